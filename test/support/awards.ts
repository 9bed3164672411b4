import type { Fixture } from './fixture.ts'
import { LA } from './fixture.ts'

/** A row for an agreed award under the fixture's approved version, from the start of 2026-27. */
export function agreedAward(
  fixture: Fixture,
  award: {
    childId: string
    settingId: string
    settingType: 'mainstream' | 'resource_base' | 'special'
    level: number
    annualPence: number
    choices: Record<string, string | null>
    bandCode?: string | null
  },
) {
  return {
    la_code: LA,
    child_id: award.childId,
    setting_id: award.settingId,
    matrix_version_id: fixture.versions.approved,
    funded_setting_type: award.settingType,
    level: award.level,
    annual_pence: award.annualPence,
    choices: JSON.stringify(award.choices),
    band_code: award.bandCode ?? null,
    start_date: '2026-04-01',
    status: 'agreed' as const,
    agreed_at: new Date(),
    agreed_by: fixture.users.manager!,
  }
}
