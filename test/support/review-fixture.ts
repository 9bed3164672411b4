import type { Kysely } from 'kysely'
import type { DB } from '../../src/schema.ts'
import { LA, type Fixture } from './fixture.ts'

// Spelt out, not inferred: Fixture holds one of these, so inferring it from Fixture would be circular.
export type ReviewFixture = {
  plans: { dev: string; cara: string }
  reviews: { devOpen: string; caraDecided: string }
  amendments: { cara: string }
}

/** Adds the EHC plans below to a loaded fixture, and returns their ids. */
export async function loadReviewFixture(db: Kysely<DB>, fixture: Fixture): Promise<ReviewFixture> {
  fixture.reviews = await loadReviews(db, fixture)
  return fixture.reviews
}

/**
 * Two plans (today is 2026-11-23): Dev's at the special school, issued 2025-10-01, with its annual
 * review opened and due 2026-10-01 but no meeting yet (overdue); Cara's at School B, issued
 * 2025-12-01 (or the one casework-fixture.ts issued), reviewed on 2026-10-20 and decided 'amend' on 2026-10-30, with the proposed
 * amendments sent on 2026-11-02 and nothing since.
 */
async function loadReviews(db: Kysely<DB>, fixture: Fixture): Promise<ReviewFixture> {
  const { children, settings, users } = fixture
  const dev = await db
    .insertInto('ehc_plan')
    .values({
      la_code: LA,
      child_id: children.dev,
      issued_on: '2025-10-01',
      named_setting_id: settings.special,
      provision_summary: 'Small class with a specialist teacher; weekly speech and language therapy.',
      created_by: users.officer!,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.insertInto('ehc_plan_need').values({ la_code: LA, plan_id: dev.id, rank: 1, need_code: 'SLD' }).execute()
  // A child has one plan in force: when the requests fixture (casework-fixture.ts) has issued Cara's,
  // that plan is the one reviewed.
  const existing = await db
    .selectFrom('ehc_plan')
    .select('id')
    .where('la_code', '=', LA)
    .where('child_id', '=', children.cara)
    .where('ceased_on', 'is', null)
    .executeTakeFirst()
  const cara =
    existing ??
    (await db
      .insertInto('ehc_plan')
      .values({
        la_code: LA,
        child_id: children.cara,
        issued_on: '2025-12-01',
        named_setting_id: settings.schoolB,
        provision_summary: 'Resource base place; a mentor for 2 hours a week.',
        created_by: users.officer!,
      })
      .returning('id')
      .executeTakeFirstOrThrow())
  if (!existing) {
    await db
      .insertInto('ehc_plan_need')
      .values([
        { la_code: LA, plan_id: cara.id, rank: 1, need_code: 'SEMH' },
        { la_code: LA, plan_id: cara.id, rank: 2, need_code: 'SLCN' },
      ])
      .execute()
  }
  const [devOpen, caraDecided] = await db
    .insertInto('annual_review')
    .values([
      { la_code: LA, plan_id: dev.id, due_on: '2026-10-01', created_by: users.officer! },
      {
        la_code: LA,
        plan_id: cara.id,
        due_on: '2026-12-01',
        invitations_sent_on: '2026-10-05',
        meeting_on: '2026-10-20',
        report_received_on: '2026-10-27',
        decision: 'amend',
        decision_on: '2026-10-30',
        created_by: users.officer!,
      },
    ])
    .returning('id')
    .execute()
  const amendment = await db
    .insertInto('plan_amendment')
    .values({
      la_code: LA,
      plan_id: cara.id,
      review_id: caraDecided!.id,
      proposals_sent_on: '2026-11-02',
      summary: 'Add weekly counselling to Section F.',
      created_by: users.officer!,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return {
    plans: { dev: dev.id, cara: cara.id },
    reviews: { devOpen: devOpen!.id, caraDecided: caraDecided!.id },
    amendments: { cara: amendment.id },
  }
}
