// Types of need: the school census and SEN2 codes. NSA is SEN support with no specialist assessment
// of the type of need, so it is never the need on an EHC plan.
export const NEED_CODES = [
  'SPLD',
  'MLD',
  'SLD',
  'PMLD',
  'SEMH',
  'SLCN',
  'HI',
  'VI',
  'MSI',
  'PD',
  'ASD',
  'DS',
  'OTH',
  'NSA',
] as const
export type NeedCode = (typeof NEED_CODES)[number]

export const NEED_LABELS: Record<NeedCode, string> = {
  SPLD: 'Specific learning difficulty',
  MLD: 'Moderate learning difficulty',
  SLD: 'Severe learning difficulty',
  PMLD: 'Profound and multiple learning difficulty',
  SEMH: 'Social, emotional and mental health',
  SLCN: 'Speech, language and communication needs',
  HI: 'Hearing impairment',
  VI: 'Vision impairment',
  MSI: 'Multi-sensory impairment',
  PD: 'Physical disability',
  ASD: 'Autistic spectrum disorder',
  DS: 'Down syndrome',
  OTH: 'Other difficulty',
  NSA: 'SEN support but no specialist assessment of type of need',
}

export function isNeedCode(code: string): code is NeedCode {
  return (NEED_CODES as readonly string[]).includes(code)
}

export function needAllowedFor(code: NeedCode, senStatus: 'ehcp' | 'sen_support' | 'none'): boolean {
  return senStatus === 'sen_support' || (senStatus === 'ehcp' && code !== 'NSA')
}
