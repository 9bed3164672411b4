import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { loadCaseworkDemo } from '../src/casework/demo.ts'
import { annualReviewsOutstanding } from '../src/casework/rules/measures.ts'
import { loadFundingDemo } from '../src/funding/demo.ts'
import { CaseloadStore, caseloadRecords } from '../src/insight/caseload.ts'
import { DashboardService } from '../src/insight/dashboard.ts'
import { AGE_BANDS, type CaseloadFilter } from '../src/insight/rules/caseload.ts'
import { validateSen2 } from '../src/insight/rules/sen2-validate.ts'
import { buildSen2, countSen2, planIncluded, requestIncluded, type Sen2Return } from '../src/insight/rules/sen2.ts'
import { Sen2Store } from '../src/insight/sen2-store.ts'
import { loadModerationDemo } from '../src/moderation/demo.ts'
import { loadDemo } from '../src/people/demo/index.ts'
import type { Database } from '../src/platform/db/index.ts'
import { fixedClock } from '../src/platform/time/clock.ts'
import { freshDatabase } from './support/database.ts'

// The SEN2 return's plans in force on the reference date are the dashboards' caseload on that date
// (src/insight/caseload.ts: issued on or before it, not ceased on or before it), plan for plan and by
// primary need, on a small demo authority loaded as `seed` loads it.

const LA = '332'
const today = '2026-11-23'
const now = new Date(`${today}T09:00:00Z`)

let database: Database
before(async () => {
  database = await freshDatabase()
  await loadDemo(database.db, { laCode: LA, asAt: today, scale: 0.1 })
  await loadFundingDemo(database.db, LA, now)
  await loadModerationDemo(database.db, LA, now)
  await loadCaseworkDemo(database.db, LA, now)
})
after(() => database?.close())

const inForce = (ret: Sen2Return) =>
  ret.persons.flatMap(p =>
    p.requests.flatMap(r => {
      const plan = r.assessment?.namedPlan
      return plan && !plan.fields.CeaseDate ? [plan.planId] : []
    }),
  )

describe('the SEN2 return reconciles with the dashboards', () => {
  for (const referenceDate of ['2026-01-15', '2025-01-16']) {
    it(`has the caseload's plans in force on ${referenceDate}, and by primary need`, async () => {
      const input = await new Sen2Store(database.db, LA).load(referenceDate)
      const ret = buildSen2(input, { referenceDate, laCode: LA, generatedAt: `${today}T09:00:00` })
      const counts = countSen2(ret)
      const caseload = await caseloadRecords(database.db, LA, referenceDate)
      assert.ok(caseload.length > 100, `a demo caseload (${caseload.length})`)
      assert.equal(counts.plansInForce, caseload.length)
      assert.deepEqual([...inForce(ret)].sort(), caseload.map(c => c.planId).sort())
      const byNeed: Record<string, number> = {}
      for (const c of caseload) byNeed[c.need] = (byNeed[c.need] ?? 0) + 1
      assert.deepEqual(counts.plansInForceByNeed, byNeed)
      // Every plan in force appears once, under one person, with its ActivePlans.
      assert.equal(new Set(inForce(ret)).size, caseload.length)
      // The store's narrowing in SQL loses no request the rules would include.
      const all = await database.db.selectFrom('ehc_request').selectAll().where('la_code', '=', LA).execute()
      const plans = await database.db.selectFrom('ehc_plan').selectAll().where('la_code', '=', LA).execute()
      const behindPlans = new Set(
        plans
          .filter(p =>
            planIncluded(
              { issuedOn: p.issued_on, ceasedOn: p.ceased_on },
              Number(referenceDate.slice(0, 4)),
              referenceDate,
            ),
          )
          .map(p => p.request_id),
      )
      const expected = all
        .filter(
          r =>
            (behindPlans.has(r.id) && r.received_on <= referenceDate) ||
            requestIncluded(
              {
                id: r.id,
                childId: r.child_id,
                source: r.source,
                receivedOn: r.received_on,
                decision: r.decision,
                decisionOn: r.decision_on,
                outcome: r.outcome,
                outcomeOn: r.outcome_on,
                finalIssuedOn: r.final_issued_on,
                withdrawnOn: r.withdrawn_on,
                planId: r.plan_id,
                hasException: false,
              },
              Number(referenceDate.slice(0, 4)),
              referenceDate,
            ),
        )
        .map(r => r.id)
      const inReturn = ret.persons.flatMap(p => p.requests.flatMap(r => (r.requestId ? [r.requestId] : [])))
      assert.deepEqual([...inReturn].sort(), [...expected].sort())
      // The report runs over the whole demo without failing, and the file is well-formed for COLLECT.
      const report = validateSen2(ret, input, today)
      assert.equal(report.errors + report.queries, report.issues.length)
    })
  }
})

describe('annual reviews outstanding', () => {
  // The dashboard asks SQL only for the plans whose review could be due; the rule over every plan in
  // force, read whole, must give the same counts on any date.
  it('counts what the rule counts over every plan in force, on any date', async () => {
    const plans = await database.db.selectFrom('ehc_plan').selectAll().where('la_code', '=', LA).execute()
    const reviews = await database.db.selectFrom('annual_review').selectAll().where('la_code', '=', LA).execute()
    assert.ok(reviews.length > 50, `a demo with reviews (${reviews.length})`)
    const dashboards = new DashboardService(database.db, LA, fixedClock(now))
    const day = fc.integer({ min: Date.parse('2019-01-01'), max: Date.parse('2028-12-31') })
    await fc.assert(
      fc.asyncProperty(day, async ms => {
        const on = new Date(ms).toISOString().slice(0, 10)
        const expected = annualReviewsOutstanding(
          plans
            .filter(p => p.issued_on <= on && (p.ceased_on === null || p.ceased_on > on))
            .map(p => {
              const own = reviews.filter(v => v.plan_id === p.id)
              const decided = own.map(v => v.decision_on).filter((d): d is string => d !== null && d <= on)
              const open = own
                .filter(v => v.kind === 'annual' && (v.decision_on === null || v.decision_on > on))
                .sort((a, b) => (a.due_on < b.due_on ? -1 : 1))[0]
              return {
                planId: p.id,
                issuedOrLastReviewedOn: decided.sort().at(-1) ?? p.issued_on,
                meetingHeldOn: open?.meeting_on && open.meeting_on <= on ? open.meeting_on : null,
                decisionOn: null,
              }
            }),
          on,
        )
        const meeting = expected.filter(o => o.missing === 'meeting').length
        const table = await dashboards.reviewsOutstanding(on, {})
        assert.deepEqual(table.rows, [
          ['Review meeting not held', meeting],
          ['Meeting held, decision not sent', expected.length - meeting],
          ['Total', expected.length],
        ])
      }),
      { numRuns: 25 },
    )
  })
})

describe('caseload over time', () => {
  // One pass with a filtered count per date gives what counting on each date alone gives.
  it('counts each date of a series as the caseload on that date, with any filter', async () => {
    const caseload = new CaseloadStore(database.db, LA)
    const localities = (
      await database.db.selectFrom('locality').select('code').where('la_code', '=', LA).execute()
    ).map(l => l.code)
    const filter: fc.Arbitrary<CaseloadFilter> = fc.record(
      {
        locality: fc.constantFrom(...localities),
        need: fc.constantFrom('ASD', 'SEMH', 'SLCN', 'MLD'),
        ageBand: fc.constantFrom(...AGE_BANDS.map(b => b.code)),
        settingType: fc.constantFrom('mainstream', 'special'),
      },
      { requiredKeys: [] },
    )
    const date = fc
      .integer({ min: Date.parse('2018-01-01'), max: Date.parse('2027-12-31') })
      .map(ms => new Date(ms).toISOString().slice(0, 10))
    await fc.assert(
      fc.asyncProperty(filter, fc.uniqueArray(date, { minLength: 1, maxLength: 7 }), async (f, dates) => {
        const series = await caseload.series(dates, f)
        for (const on of dates) assert.equal(series.get(on), await caseload.count(on, f), `${on} ${JSON.stringify(f)}`)
      }),
      { numRuns: 30 },
    )
    assert.ok((await caseload.count(today)) > 100)
  })
})
