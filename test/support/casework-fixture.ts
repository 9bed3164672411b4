import type { Kysely } from 'kysely'
import type { DB } from '../../src/schema.ts'
import { LA, type Fixture } from './fixture.ts'

export type CaseworkFixture = {
  requests: { ada: string; cara: string }
  advice: { cara: string }
  consultations: { cara: string }
  plans: { cara: string }
}

/**
 * Requests for an EHC needs assessment, added to a loaded fixture: Ada's request, emailed on Monday
 * 2 November 2026 and awaiting the decision whether to assess (due 14 December); and Cara's, received
 * 2 March 2026 and taken to a final plan naming Birch Academy on 13 July 2026, with an educational
 * psychologist's advice and Birch's answer to the consultation.
 */
export async function loadCaseworkFixture(db: Kysely<DB>, fixture: Fixture): Promise<CaseworkFixture> {
  fixture.casework = await loadCasework(db, fixture)
  return fixture.casework
}

async function loadCasework(db: Kysely<DB>, f: Fixture): Promise<CaseworkFixture> {
  const officer = f.users.officer!
  const request = (child_id: string, received_on: string) => ({
    la_code: LA,
    child_id,
    officer_id: officer,
    source: 'parent' as const,
    received_via: 'email' as const,
    arrived_on: received_on,
    arrived_time: '10:00',
    received_on,
    created_by: officer,
  })
  const ada = await db
    .insertInto('ehc_request')
    .values(request(f.children.ada, '2026-11-02'))
    .returning('id')
    .executeTakeFirstOrThrow()
  const cara = await db
    .insertInto('ehc_request')
    .values({
      ...request(f.children.cara, '2026-03-02'),
      decision: 'assess',
      decision_on: '2026-04-06',
      outcome: 'issue_plan',
      outcome_on: '2026-06-01',
      draft_sent_on: '2026-06-08',
      comments_received_on: '2026-06-20',
      preferred_setting_id: f.settings.schoolB,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const advice = await db
    .insertInto('advice_request')
    .values({
      la_code: LA,
      request_id: cara.id,
      advisor: 'educational_psychologist',
      requested_on: '2026-04-08',
      received_on: '2026-05-15',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const consultation = await db
    .insertInto('placement_consultation')
    .values({
      la_code: LA,
      request_id: cara.id,
      setting_id: f.settings.schoolB,
      sent_on: '2026-06-10',
      response: 'can_meet',
      responded_on: '2026-06-22',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const plan = await db
    .insertInto('ehc_plan')
    .values({
      la_code: LA,
      child_id: f.children.cara,
      request_id: cara.id,
      issued_on: '2026-07-13',
      named_setting_id: f.settings.schoolB,
      provision_summary: 'Daily small-group support with a trained teaching assistant; weekly ELSA sessions.',
      created_by: officer,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.insertInto('ehc_plan_need').values({ la_code: LA, plan_id: plan.id, rank: 1, need_code: 'SEMH' }).execute()
  await db
    .updateTable('ehc_request')
    .set({ final_issued_on: '2026-07-13', plan_id: plan.id })
    .where('la_code', '=', LA)
    .where('id', '=', cara.id)
    .execute()
  return {
    requests: { ada: ada.id, cara: cara.id },
    advice: { cara: advice.id },
    consultations: { cara: consultation.id },
    plans: { cara: plan.id },
  }
}
