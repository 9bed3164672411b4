import type { Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import {
  activityPeriod,
  collectionYearOf,
  type Sen2DisputeRecord,
  type Sen2Input,
  type Sen2PlacementRecord,
  type Sen2PlanRecord,
  type Sen2RequestRecord,
} from './rules/sen2.ts'

// The records behind an SEN2 return, read in a fixed number of queries whatever the authority's size:
// the requests received by the reference date, the plans in force at some point from the start of the
// activity period to it, and the children, needs, reviews, placements, exceptions and disputes that go
// with them. The pure rules (rules/sen2.ts) decide which of them the return includes.

const iso = (d: string | Date | null): string | null =>
  d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10)

export class Sen2Store {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
  ) {}

  async load(referenceDate: string): Promise<Sen2Input> {
    const la = this.laCode
    const on = referenceDate
    const { from } = activityPeriod(collectionYearOf(on))
    const db = this.db
    const plansInScope = db
      .selectFrom('ehc_plan')
      .select('id')
      .where('la_code', '=', la)
      .where('issued_on', '<=', on)
      .where(eb => eb.or([eb('ceased_on', 'is', null), eb('ceased_on', '>=', from)]))
    // The requests that may belong in the return (the rules decide exactly): received by the reference
    // date and with a date in the period or since, never finished, or behind a plan in scope.
    const requestsInScope = db
      .selectFrom('ehc_request as r')
      .select('r.id')
      .where('r.la_code', '=', la)
      .where('r.received_on', '<=', on)
      .where(eb =>
        eb.or([
          eb('r.received_on', '>=', from),
          eb('r.decision_on', '>=', from),
          eb('r.outcome_on', '>=', from),
          eb('r.final_issued_on', '>=', from),
          eb('r.withdrawn_on', '>=', from),
          eb.and([
            eb('r.final_issued_on', 'is', null),
            eb('r.withdrawn_on', 'is', null),
            eb('r.decision', 'is distinct from', 'not_assess'),
            eb('r.outcome', 'is distinct from', 'no_plan'),
          ]),
          eb('r.plan_id', 'in', plansInScope),
          eb(
            'r.id',
            'in',
            db
              .selectFrom('ehc_plan')
              .select('request_id')
              .where('la_code', '=', la)
              .where('id', 'in', plansInScope)
              .where('request_id', 'is not', null),
          ),
        ]),
      )
    const requestChildren = db
      .selectFrom('ehc_request')
      .select('child_id')
      .where('la_code', '=', la)
      .where('id', 'in', requestsInScope)
    const planChildren = db
      .selectFrom('ehc_plan')
      .select('child_id')
      .where('la_code', '=', la)
      .where('id', 'in', plansInScope)
    const [requests, exceptions, plans, needs, reviews, disputesM, disputesT, children, placements] = await Promise.all(
      [
        db
          .selectFrom('ehc_request')
          .select([
            'id',
            'child_id',
            'source',
            'received_on',
            'decision',
            'decision_on',
            'outcome',
            'outcome_on',
            'final_issued_on',
            'withdrawn_on',
            'plan_id',
          ])
          .where('la_code', '=', la)
          .where('id', 'in', requestsInScope)
          .execute(),
        db
          .selectFrom('casework_exception')
          .select('request_id')
          .distinct()
          .where('la_code', '=', la)
          .where('from_date', '<=', on)
          .where('request_id', 'in', requestsInScope)
          .execute(),
        db
          .selectFrom('ehc_plan as p')
          .leftJoin('setting as s', 's.id', 'p.named_setting_id')
          .select([
            'p.id',
            'p.child_id',
            'p.request_id',
            'p.issued_on',
            'p.named_setting_id',
            's.urn as named_setting_urn',
            'p.named_setting_type',
            'p.ceased_on',
            'p.cease_reason',
          ])
          .where('p.la_code', '=', la)
          .where('p.id', 'in', plansInScope)
          .execute(),
        db
          .selectFrom('ehc_plan_need')
          .select(['plan_id', 'rank', 'need_code'])
          .where('la_code', '=', la)
          .where('plan_id', 'in', plansInScope)
          .execute(),
        db
          .selectFrom('annual_review')
          .select(['plan_id', 'meeting_on', 'decision', 'decision_on'])
          .where('la_code', '=', la)
          .where('meeting_on', 'is not', null)
          .where('meeting_on', '<=', on)
          .where('plan_id', 'in', plansInScope)
          .execute(),
        db
          .selectFrom('mediation_case')
          .select(['child_id', 'request_id', 'plan_id', 'decision_kind', 'adviser_contacted_on as on'])
          .where('la_code', '=', la)
          .where('family_choice', '=', 'mediation')
          .where('adviser_contacted_on', '<=', on)
          .execute(),
        db
          .selectFrom('tribunal_appeal')
          .select(['child_id', 'request_id', 'plan_id', 'decision_kind', 'registered_on as on'])
          .where('la_code', '=', la)
          .where('registered_on', '<=', on)
          .execute(),
        db
          .selectFrom('child')
          .select(['id', 'local_id', 'first_name', 'last_name', 'date_of_birth', 'sex', 'upn'])
          .where('la_code', '=', la)
          .where(eb => eb.or([eb('id', 'in', requestChildren), eb('id', 'in', planChildren)]))
          .execute(),
        db
          .selectFrom('placement as p')
          .innerJoin('setting as s', 's.id', 'p.setting_id')
          .select([
            'p.id',
            'p.child_id',
            'p.setting_id',
            's.urn',
            'p.rank',
            'p.start_date',
            'p.end_date',
            'p.resourced_provision',
          ])
          .where('p.la_code', '=', la)
          .where(eb => eb.or([eb('p.child_id', 'in', requestChildren), eb('p.child_id', 'in', planChildren)]))
          .where('p.start_date', '<=', on)
          .where(eb => eb.or([eb('p.end_date', 'is', null), eb('p.end_date', '>=', from)]))
          .execute(),
      ],
    )

    const withException = new Set(exceptions.map(e => e.request_id))
    const needsOf = new Map<string, { rank: number; code: string }[]>()
    for (const n of needs)
      needsOf.set(n.plan_id, [...(needsOf.get(n.plan_id) ?? []), { rank: n.rank, code: n.need_code }])
    const reviewsOf = new Map<string, Sen2PlanRecord['reviews']>()
    for (const r of reviews)
      reviewsOf.set(r.plan_id, [
        ...(reviewsOf.get(r.plan_id) ?? []),
        { meetingOn: iso(r.meeting_on)!, decision: r.decision, decisionOn: iso(r.decision_on) },
      ])

    return {
      children: children.map(c => ({
        id: c.id,
        localId: c.local_id,
        forename: c.first_name,
        surname: c.last_name,
        dateOfBirth: iso(c.date_of_birth)!,
        sex: c.sex,
        upn: c.upn,
      })),
      requests: requests.map((r): Sen2RequestRecord => ({
        id: r.id,
        childId: r.child_id,
        source: r.source,
        receivedOn: iso(r.received_on)!,
        decision: r.decision,
        decisionOn: iso(r.decision_on),
        outcome: r.outcome,
        outcomeOn: iso(r.outcome_on),
        finalIssuedOn: iso(r.final_issued_on),
        withdrawnOn: iso(r.withdrawn_on),
        planId: r.plan_id,
        hasException: withException.has(r.id),
      })),
      plans: plans.map((p): Sen2PlanRecord => ({
        id: p.id,
        childId: p.child_id,
        requestId: p.request_id,
        issuedOn: iso(p.issued_on)!,
        namedSettingId: p.named_setting_id,
        namedSettingUrn: p.named_setting_urn,
        namedSettingType: p.named_setting_type,
        ceasedOn: iso(p.ceased_on),
        ceaseReason: p.cease_reason,
        needs: needsOf.get(p.id) ?? [],
        reviews: reviewsOf.get(p.id) ?? [],
      })),
      placements: placements.map((p): Sen2PlacementRecord => ({
        id: p.id,
        childId: p.child_id,
        settingId: p.setting_id,
        urn: p.urn,
        rank: p.rank,
        startDate: iso(p.start_date)!,
        endDate: iso(p.end_date),
        resourcedProvision: p.resourced_provision,
      })),
      disputes: [
        ...disputesM.map((d): Sen2DisputeRecord => ({ kind: 'mediation', ...dispute(d) })),
        ...disputesT.map((d): Sen2DisputeRecord => ({ kind: 'tribunal', ...dispute(d) })),
      ],
    }
  }

  /** How many SEN2 XML files were made before for this reference date: the next file's SerialNo follows. */
  async filesMade(referenceDate: string): Promise<number> {
    const row = await this.db
      .selectFrom('audit_event')
      .select(eb => eb.fn.countAll<string>().as('n'))
      .where('la_code', '=', this.laCode)
      .where('action', '=', 'sen2.download')
      .where('record_type', '=', 'sen2_return')
      .where('record_id', '=', `${referenceDate}/xml`)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }
}

function dispute(d: {
  child_id: string
  request_id: string | null
  plan_id: string | null
  decision_kind: string
  on: string | Date
}) {
  return {
    childId: d.child_id,
    requestId: d.request_id,
    planId: d.plan_id,
    decisionKind: d.decision_kind,
    on: iso(d.on)!,
  }
}
