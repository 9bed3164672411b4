import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ForbiddenError, ValidationError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import { isIsoDate, parts } from '../platform/time/dates.ts'
import type { DB } from '../schema.ts'
import { areaOfNeed, consistency, consistencyTotal, type ConsistencyRow } from './rules/panel.ts'

// How often the panel moved the schools' proposed levels, and which way, by school, locality, area
// of need and proposed level: so training can be targeted (docs/moderation.md, "Consistency").
// Aggregates only: no pupil's name is read, so the one audit row is for the report as a whole.
const ALLOWED = {
  'moderation.consistency': ['la_admin', 'send_manager', 'panel_member'],
} as const satisfies Record<string, readonly Role[]>

export const CONSISTENCY_ROLES: readonly Role[] = ALLOWED['moderation.consistency']

export function mayReadConsistency(actor: Actor): boolean {
  return CONSISTENCY_ROLES.includes(actor.role)
}

const optionalDate = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .optional()
    .refine(v => !v || isIsoDate(v), message)
    .transform(v => (v ? v : null))

export const consistencyQuerySchema = z
  .object({
    from: optionalDate('Enter the start date as a real date, for example 2025-11-23'),
    to: optionalDate('Enter the end date as a real date, for example 2026-11-23'),
    panel: z.union([z.literal(''), z.uuid({ error: 'Choose a panel from the list' })]).optional(),
  })
  .refine(q => !(q.from && q.to && q.from > q.to), {
    message: 'The end date must be the same as or after the start date',
    path: ['to'],
  })

export type ConsistencyQuery = { from: string; to: string; panel: string }

export type ConsistencyReport = {
  query: ConsistencyQuery
  panelName: string | null
  total: ConsistencyRow
  bySchool: (ConsistencyRow & { localityName: string | null })[]
  byLocality: ConsistencyRow[]
  byArea: ConsistencyRow[]
  byLevel: ConsistencyRow[]
}

/** The same day a year earlier (29 February falls back to the 28th). */
export function yearBefore(iso: string): string {
  const { year, month, day } = parts(iso)
  const d = month === 2 && day === 29 ? 28 : day
  return `${year - 1}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

export class ConsistencyService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {}

  mayRead = mayReadConsistency

  /** The authority's panels, for the filter. */
  async panels(actor: Actor): Promise<{ id: string; name: string }[]> {
    if (!mayReadConsistency(actor)) throw new ForbiddenError()
    return this.db
      .selectFrom('panel')
      .select(['id', 'name'])
      .where('la_code', '=', this.laCode)
      .orderBy('name')
      .orderBy('id')
      .execute()
  }

  /** The filter a query names: by default the twelve months to today, every panel. */
  query(input: unknown): ConsistencyQuery {
    const q = parseOrThrow(consistencyQuerySchema, input)
    const to = q.to ?? this.clock.today()
    const from = q.from ?? yearBefore(to)
    if (from > to) {
      throw new ValidationError([
        { field: 'from', message: 'The start date must be the same as or before the end date' },
      ])
    }
    return { from, to, panel: q.panel ?? '' }
  }

  /**
   * The report over the current issued decisions that set a level (agree or change the level, not
   * superseded) at sessions in the date range, optionally one panel's.
   */
  async report(actor: Actor, input: unknown): Promise<ConsistencyReport> {
    if (!mayReadConsistency(actor)) throw new ForbiddenError()
    const query = this.query(input)
    let panelName: string | null = null
    if (query.panel) {
      const panel = await this.db
        .selectFrom('panel')
        .select('name')
        .where('la_code', '=', this.laCode)
        .where('id', '=', query.panel)
        .executeTakeFirst()
      if (!panel) throw new ValidationError([{ field: 'panel', message: 'Choose a panel from the list' }])
      panelName = panel.name
    }
    const rows = await this.db
      .selectFrom('panel_decision as d')
      .innerJoin('panel_case as c', join => join.onRef('c.la_code', '=', 'd.la_code').onRef('c.id', '=', 'd.case_id'))
      .innerJoin('panel_session as s', join =>
        join.onRef('s.la_code', '=', 'c.la_code').onRef('s.id', '=', 'c.session_id'),
      )
      .innerJoin('award as a', join => join.onRef('a.la_code', '=', 'd.la_code').onRef('a.id', '=', 'd.award_id'))
      .innerJoin('setting as st', join =>
        join.onRef('st.la_code', '=', 'a.la_code').onRef('st.id', '=', 'a.setting_id'),
      )
      .leftJoin('locality as l', join =>
        join.onRef('l.la_code', '=', 'st.la_code').onRef('l.code', '=', 'st.locality_code'),
      )
      .leftJoin('child_need as n', join =>
        join.onRef('n.la_code', '=', 'a.la_code').onRef('n.child_id', '=', 'a.child_id').on('n.rank', '=', 1),
      )
      .select([
        'd.proposed_level as proposed',
        'd.decided_level as decided',
        'st.id as settingId',
        'st.name as settingName',
        'st.locality_code as localityCode',
        'l.name as localityName',
        'n.need_code as primaryNeed',
      ])
      .where('d.la_code', '=', this.laCode)
      .where('d.outcome', 'in', ['agree', 'change_level'])
      .where('d.issued_at', 'is not', null)
      .where('d.superseded_at', 'is', null)
      .where('s.session_date', '>=', query.from)
      .where('s.session_date', '<=', query.to)
      .$if(query.panel !== '', qb => qb.where('s.panel_id', '=', query.panel))
      .execute()
    const decisions = rows.map(r => ({
      ...r,
      proposed: r.proposed === null ? null : Number(r.proposed),
      decided: r.decided === null ? null : Number(r.decided),
    }))
    const localityOf = new Map(decisions.map(d => [d.settingId, d.localityName]))
    const report: ConsistencyReport = {
      query,
      panelName,
      total: consistencyTotal(decisions),
      bySchool: consistency(
        decisions,
        d => d.settingId,
        d => d.settingName,
      ).map(row => ({ ...row, localityName: localityOf.get(row.key) ?? null })),
      byLocality: consistency(
        decisions,
        d => d.localityCode ?? '',
        d => d.localityName ?? (d.localityCode ? d.localityCode : 'No locality recorded'),
      ),
      byArea: consistency(
        decisions,
        d => areaOfNeed(d.primaryNeed),
        d => areaOfNeed(d.primaryNeed),
      ),
      byLevel: consistency(
        decisions,
        d => String(d.proposed),
        d => `Level ${d.proposed}`,
      ).sort((a, b) => Number(a.key) - Number(b.key)),
    }
    await audit(this.db, this.laCode, actor, {
      action: 'moderation.consistency.read',
      details: { filter: query, count: report.total.decided },
    })
    return report
  }
}
