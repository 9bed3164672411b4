import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { loadCaseworkDemo } from '../src/casework/demo.ts'
import { loadFundingDemo } from '../src/funding/demo.ts'
import { caseloadRecords } from '../src/insight/caseload.ts'
import { validateSen2 } from '../src/insight/rules/sen2-validate.ts'
import { buildSen2, countSen2, planIncluded, requestIncluded, type Sen2Return } from '../src/insight/rules/sen2.ts'
import { Sen2Store } from '../src/insight/sen2-store.ts'
import { loadModerationDemo } from '../src/moderation/demo.ts'
import { loadDemo } from '../src/people/demo/index.ts'
import type { Database } from '../src/platform/db/index.ts'
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
