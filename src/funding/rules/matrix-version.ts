import { z } from 'zod'

// The needs matrix as data: one JSON document per version, so an authority's scheme (Dudley's
// areas and levels, Islington's domains and weights, Telford's bands) is configuration, not code.
// This file holds the document's shape; consistency rules (thresholds without gaps, a rate for
// every level, …) are checked by checkMatrixVersion in consistency.ts.

const code = z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, 'a short code of letters, digits, - or _')
const isoDate = z.iso.date('a date as YYYY-MM-DD')
/** '2021-22': the financial year from 1 April 2021 to 31 March 2022. */
export const financialYear = z.string().regex(/^\d{4}-\d{2}$/, 'a financial year such as 2021-22')

export const SETTING_TYPES = [
  'early_years',
  'mainstream',
  'resource_base',
  'special',
  'alternative_provision',
  'post_16',
  'independent',
] as const
export const fundedSettingType = z.enum(SETTING_TYPES)
export type FundedSettingType = z.infer<typeof fundedSettingType>

/** One best-fit statement of need within an area (or domain); chosen by the assessor with evidence. */
export const descriptorSchema = z.object({
  code,
  text: z.string().min(1).max(2000),
  points: z.number().int(),
})

export const domainSchema = z.object({
  code,
  name: z.string().min(1).max(200),
  descriptors: z.array(descriptorSchema).min(1),
})

/** An area of need. Either it has descriptors itself, or it is split into domains that do. */
export const areaSchema = z.object({
  code,
  name: z.string().min(1).max(200),
  /** Multiplies the area's (capped) points; Islington weighs some areas ×4. Default 1. */
  weight: z.number().positive().default(1),
  /** The most the area's points can count for, before weighting. */
  cap: z.number().int().positive().optional(),
  descriptors: z.array(descriptorSchema).optional(),
  domains: z.array(domainSchema).optional(),
})

export const levelSchema = z.object({
  level: z.number().int().min(0),
  label: z.string().max(100).optional(),
  /** Inclusive lower bound of the total (or, with aggregation max, of the highest area's points). */
  min: z.number(),
  /** Inclusive upper bound; null for the top level. */
  max: z.number().nullable(),
  /** A bespoke level (Dudley's Level 8): no table amount; funded by a costed, approved package. */
  bespoke: z.boolean().default(false),
})

export const rateSchema = z.object({
  financialYear,
  settingType: fundedSettingType,
  level: z.number().int().min(0),
  /** Annual top-up in pence. */
  annualPence: z.number().int().min(0),
})

export const appliesSchema = z.object({
  settingType: fundedSettingType,
  /** The date from which pupils at this type of setting are funded under this version. */
  from: isoDate,
})

export const matrixVersionSpec = z.object({
  name: z.string().min(1).max(200),
  /** 'sum': weighted, capped area points are added up. 'max': the highest area decides. */
  aggregation: z.enum(['sum', 'max']),
  areas: z.array(areaSchema).min(1),
  levels: z.array(levelSchema).min(1),
  rates: z.array(rateSchema),
  applies: z.array(appliesSchema).min(1),
  /** Free text shown with the version, e.g. that amounts are illustrative. */
  notes: z.string().max(5000).optional(),
})
export type MatrixVersionSpec = z.infer<typeof matrixVersionSpec>
export type MatrixVersionInput = z.input<typeof matrixVersionSpec>

export const VERSION_STATUSES = ['draft', 'consultation', 'approved', 'retired'] as const
export type VersionStatus = (typeof VERSION_STATUSES)[number]

/** Where a version may move next. Approved versions are immutable; only retiring ends them. */
export const NEXT_STATUS: Record<VersionStatus, readonly VersionStatus[]> = {
  draft: ['consultation', 'approved'],
  consultation: ['draft', 'approved'],
  approved: ['retired'],
  retired: [],
}
