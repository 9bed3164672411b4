import type { Kysely } from 'kysely'
import type { DB } from '../../src/schema.ts'
import { LA, type Fixture } from './fixture.ts'

// Spelt out, not inferred: Fixture holds one of these, so inferring it from Fixture would be circular.
export type DisputeFixture = {
  mediations: { cara: string }
  appeals: { dev: string; cara2025: string }
  complaints: { ada: string; stage1of2025: string; stage2of2025: string }
}

/** Adds the disagreements below to a loaded fixture, and returns their ids. */
export async function loadDisputeFixture(db: Kysely<DB>, fixture: Fixture): Promise<DisputeFixture> {
  fixture.disputes = await loadDisputes(db, fixture)
  return fixture.disputes
}

/**
 * Today is 2026-11-23.
 * - Cara: a mediation about an amended plan decided 2026-09-15; the adviser contacted 2026-10-01,
 *   mediation chosen and held 2026-10-20 (not agreed); no certificate yet (due 2026-10-23: overdue).
 *   And an appeal registered in 2025 about Sections F and I, dismissed.
 * - Dev: a Section I-only appeal (no mediation) against a decision of 2026-08-03, registered
 *   2026-09-01, upheld 2026-11-16 with a Section I order: compliance due 2026-11-30.
 * - Complaints: Ada's at stage 1, received 2026-11-02, due 2026-11-30, not answered; one from 2025
 *   answered at stage 1 and escalated to stage 2, answered. Compliments in 2025 and 2026.
 */
async function loadDisputes(db: Kysely<DB>, fixture: Fixture): Promise<DisputeFixture> {
  const { children, users } = fixture
  const mediation = await db
    .insertInto('mediation_case')
    .values({
      la_code: LA,
      child_id: children.cara,
      decision_kind: 'amended_plan',
      decision_on: '2026-09-15',
      adviser_contacted_on: '2026-10-01',
      family_choice: 'mediation',
      mediation_held_on: '2026-10-20',
      outcome: 'not_agreed',
      created_by: users.officer!,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const appeal = (values: Record<string, unknown>) => ({
    la_code: LA,
    plan_id: null,
    request_id: null,
    mediation_id: null,
    hearing_on: null,
    outcome: null,
    outcome_on: null,
    order_kind: null,
    conceded_on: null,
    compliance_done_on: null,
    created_by: users.officer!,
    ...values,
  })
  const [dev, cara2025] = await db
    .insertInto('tribunal_appeal')
    .values([
      appeal({
        child_id: children.dev,
        decision_kind: 'amended_plan',
        decision_on: '2026-08-03',
        registered_on: '2026-09-01',
        appeal_reasons: JSON.stringify(['section_i']),
        hearing_on: '2026-11-10',
        outcome: 'upheld',
        outcome_on: '2026-11-16',
        order_kind: 'section_i',
      }) as never,
      appeal({
        child_id: children.cara,
        decision_kind: 'plan_content',
        decision_on: '2025-03-03',
        registered_on: '2025-05-01',
        appeal_reasons: JSON.stringify(['section_f', 'section_i']),
        outcome: 'dismissed',
        outcome_on: '2025-10-01',
      }) as never,
    ])
    .returning('id')
    .execute()
  const complaint = (values: Record<string, unknown>) => ({
    la_code: LA,
    child_id: null,
    escalated_from: null,
    responded_on: null,
    outcome: null,
    created_by: users.officer!,
    ...values,
  })
  const ada = await db
    .insertInto('complaint')
    .values(
      complaint({
        child_id: children.ada,
        received_on: '2026-11-02',
        stage: 1,
        subject: 'The annual review meeting was cancelled twice.',
        response_due_on: '2026-11-30',
      }) as never,
    )
    .returning('id')
    .executeTakeFirstOrThrow()
  const stage1 = await db
    .insertInto('complaint')
    .values(
      complaint({
        received_on: '2025-06-02',
        stage: 1,
        subject: 'Letters about transport arrived late.',
        response_due_on: '2025-06-30',
        responded_on: '2025-06-20',
        outcome: 'not_upheld',
      }) as never,
    )
    .returning('id')
    .executeTakeFirstOrThrow()
  const stage2 = await db
    .insertInto('complaint')
    .values(
      complaint({
        escalated_from: stage1.id,
        received_on: '2025-07-01',
        stage: 2,
        subject: 'Letters about transport arrived late.',
        response_due_on: '2025-07-29',
        responded_on: '2025-07-25',
        outcome: 'partly_upheld',
      }) as never,
    )
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('compliment')
    .values([
      { la_code: LA, received_on: '2025-03-03', about: 'Thanks for a clear draft plan.', created_by: users.officer! },
      {
        la_code: LA,
        received_on: '2026-02-02',
        about: 'The review was well run.',
        team: 'SEND casework',
        created_by: users.officer!,
      },
    ])
    .execute()
  return {
    mediations: { cara: mediation.id },
    appeals: { dev: dev!.id, cara2025: cara2025!.id },
    complaints: { ada: ada.id, stage1of2025: stage1.id, stage2of2025: stage2.id },
  }
}
