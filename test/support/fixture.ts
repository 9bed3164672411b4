import type { Kysely } from 'kysely'
import { hashPassword } from '../../src/platform/http/passwords.ts'
import type { DB } from '../../src/schema.ts'
import { matrixVersionSpec } from '../../src/funding/rules/matrix-version.ts'
import { approvedTestMatrixSpec, testMatrixSpec } from './matrix.ts'
import type { CaseworkFixture } from './casework-fixture.ts'

export const LA = '999'
export const PASSWORD = 'correct horse battery staple'
export const TODAY = '2026-11-23'

// A small authority every integration test can reason about: two mainstream schools (A, B) and a
// special school, children at each, one user per role and a school user at A and at B.
export async function loadFixture(db: Kysely<DB>) {
  // Cheap scrypt parameters: verification reads them from the hash, so tests stay fast.
  const hash = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 })
  await db
    .insertInto('locality')
    .values([
      { la_code: LA, code: 'N', name: 'Northtown' },
      { la_code: LA, code: 'S', name: 'Southbury' },
    ])
    .execute()
  const [schoolA, schoolB, special] = await db
    .insertInto('setting')
    .values([
      {
        la_code: LA,
        urn: '900001',
        name: 'Alder Primary School',
        setting_type: 'mainstream',
        phase: 'primary',
        governance: 'la_maintained',
        locality_code: 'N',
      },
      {
        la_code: LA,
        urn: '900002',
        name: 'Birch Academy',
        setting_type: 'mainstream',
        phase: 'secondary',
        governance: 'academy',
        locality_code: 'S',
        resource_base_places: 12,
      },
      {
        la_code: LA,
        urn: '900003',
        name: 'Cedar Special School',
        setting_type: 'special',
        phase: 'all_through',
        governance: 'la_maintained',
        locality_code: 'N',
      },
    ])
    .returning(['id', 'name'])
    .execute()
  const child = (
    local_id: string,
    first_name: string,
    last_name: string,
    date_of_birth: string,
    ehcp: boolean,
    upn: string | null = null,
  ) => ({
    la_code: LA,
    local_id,
    first_name,
    last_name,
    date_of_birth,
    upn,
    sen_status: ehcp ? ('ehcp' as const) : ('sen_support' as const),
    ehcp_start_date: ehcp ? '2023-05-10' : null,
  })
  const [ada, ben, cara, dev, eve] = await db
    .insertInto('child')
    .values([
      child('F0001', 'Ada', 'Quill', '2016-03-14', true, 'J999900125001'),
      child('F0002', 'Ben', 'Quill', '2015-10-02', false),
      child('F0003', 'Cara', 'Rowan', '2012-06-30', true),
      child('F0004', 'Dev', 'Sorrel', '2011-01-20', true),
      child('F0005', 'Eve', 'Thorn', '2018-09-01', false),
    ])
    .returning(['id'])
    .execute()
  await db
    .insertInto('child_need')
    .values([
      { la_code: LA, child_id: ada!.id, rank: 1, need_code: 'SLCN' },
      { la_code: LA, child_id: ada!.id, rank: 2, need_code: 'ASD' },
      { la_code: LA, child_id: ben!.id, rank: 1, need_code: 'SPLD' },
      { la_code: LA, child_id: cara!.id, rank: 1, need_code: 'SEMH' },
      { la_code: LA, child_id: dev!.id, rank: 1, need_code: 'SLD' },
      { la_code: LA, child_id: eve!.id, rank: 1, need_code: 'NSA' },
    ])
    .execute()
  await db
    .insertInto('placement')
    .values([
      { la_code: LA, child_id: ada!.id, setting_id: schoolA!.id, start_date: '2021-09-01' },
      { la_code: LA, child_id: ben!.id, setting_id: schoolA!.id, start_date: '2020-09-01' },
      { la_code: LA, child_id: cara!.id, setting_id: schoolA!.id, start_date: '2017-09-01', end_date: '2023-07-21' },
      { la_code: LA, child_id: cara!.id, setting_id: schoolB!.id, start_date: '2023-09-04', resourced_provision: true },
      { la_code: LA, child_id: dev!.id, setting_id: special!.id, start_date: '2019-01-07' },
      { la_code: LA, child_id: eve!.id, setting_id: schoolB!.id, start_date: '2023-09-04' },
    ])
    .execute()
  const users = await db
    .insertInto('app_user')
    .values(
      (
        [
          {
            username: 'admin',
            display_name: 'Test Admin',
            role: 'la_admin',
            setting_id: null,
            email: 'admin@example.test',
          },
          { username: 'manager', display_name: 'Test Manager', role: 'send_manager', setting_id: null },
          { username: 'officer', display_name: 'Test Officer', role: 'case_officer', setting_id: null },
          { username: 'panel', display_name: 'Test Panel', role: 'panel_member', setting_id: null },
          { username: 'finance', display_name: 'Test Finance', role: 'finance_officer', setting_id: null },
          { username: 'senco.a', display_name: 'Senco at Alder', role: 'school_user', setting_id: schoolA!.id },
          { username: 'senco.b', display_name: 'Senco at Birch', role: 'school_user', setting_id: schoolB!.id },
          // A head teacher at A who sits on the moderation panel: never decides A's cases.
          { username: 'head.a', display_name: 'Head at Alder', role: 'panel_member', setting_id: null },
        ] as const
      ).map(u => ({ ...u, password_hash: hash })),
    )
    .returning(['id', 'username'])
    .execute()
  // A draft matrix version, so every funding route has a record to act on.
  const draftVersion = await db
    .insertInto('matrix_version')
    .values({ la_code: LA, name: 'Test matrix 2026', spec: JSON.stringify(matrixVersionSpec.parse(testMatrixSpec())) })
    .returning('id')
    .executeTakeFirstOrThrow()
  // An approved version funding every setting in the fixture, a special school's bands, and an open
  // matrix for a pupil at A and one at B, so every award route has records to act on.
  const approvedVersion = await db
    .insertInto('matrix_version')
    .values({
      la_code: LA,
      name: 'Approved test matrix',
      status: 'approved',
      approved_at: new Date(`${TODAY}T09:00:00Z`),
      spec: JSON.stringify(matrixVersionSpec.parse(approvedTestMatrixSpec())),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('special_school_band')
    .values([
      {
        la_code: LA,
        setting_id: special!.id,
        code: 'A',
        name: 'Complex needs',
        financial_year: '2026-27',
        annual_pence_per_place: 1_200_000,
      },
      {
        la_code: LA,
        setting_id: special!.id,
        code: 'B',
        name: 'Profound and multiple',
        financial_year: '2026-27',
        annual_pence_per_place: 2_150_000,
      },
    ])
    .execute()
  const draftAward = (child_id: string, setting_id: string) => ({
    la_code: LA,
    child_id,
    setting_id,
    matrix_version_id: approvedVersion.id,
    funded_setting_type: 'mainstream' as const,
    start_date: TODAY,
  })
  const [adaAward, eveAward] = await db
    .insertInto('award')
    .values([draftAward(ada!.id, schoolA!.id), draftAward(eve!.id, schoolB!.id)])
    .returning('id')
    .execute()
  const userIds = Object.fromEntries(users.map(u => [u.username, u.id])) as Record<string, string>
  return {
    versions: { draft: draftVersion.id, approved: approvedVersion.id },
    awards: { ada: adaAward!.id, eve: eveAward!.id },
    /** Loaded on request (loadModerationFixture): its agreed awards would change other areas' sums. */
    moderation: undefined as ModerationFixture | undefined,
    /** Loaded on request (loadReviewFixture in test/support/review-fixture.ts): EHC plans, reviews, an amendment. */
    reviews: undefined as import('./review-fixture.ts').ReviewFixture | undefined,
    /** Loaded on request (loadCaseworkFixture in casework-fixture.ts): EHC requests for Ada and Cara. */
    casework: undefined as CaseworkFixture | undefined,
    /** Loaded on request (loadDisputeFixture in dispute-fixture.ts): mediation, appeals, complaints, compliments. */
    disputes: undefined as import('./dispute-fixture.ts').DisputeFixture | undefined,
    /** Loaded on request (loadProgrammeDemo's first area, action and plan item). */
    programme: undefined as { area: string; action: string; item: string } | undefined,
    settings: { schoolA: schoolA!.id, schoolB: schoolB!.id, special: special!.id },
    // Ada and Ben attend A; Cara left A for B's resource base; Dev is at the special school; Eve at B.
    children: { ada: ada!.id, ben: ben!.id, cara: cara!.id, dev: dev!.id, eve: eve!.id },
    users: userIds,
  }
}

export type ModerationFixture = Awaited<ReturnType<typeof loadModeration>>

/** Adds the moderation panel below to a loaded fixture, and returns it. */
export async function loadModerationFixture(db: Kysely<DB>, fixture: Fixture): Promise<ModerationFixture> {
  fixture.moderation = await loadModeration(db, {
    approvedVersion: fixture.versions.approved,
    schoolA: fixture.settings.schoolA,
    schoolB: fixture.settings.schoolB,
    ada: fixture.children.ada,
    ben: fixture.children.ben,
    eve: fixture.children.eve,
    users: fixture.users,
  })
  return fixture.moderation
}

/**
 * The moderation panel: three members (the head at A belongs to A), quorum 2; a past session on
 * 2026-11-16 with everyone present and an issued decision for a pupil at A (Ada, level changed 1 → 2)
 * and at B (Eve, agreed at 1), whose awards are now agreed; an upcoming session on 2026-11-30 with
 * Ben's submitted matrix (Level 2) pending; and a legacy exceptional-funding amount for Eve.
 */
async function loadModeration(
  db: Kysely<DB>,
  ids: {
    approvedVersion: string
    schoolA: string
    schoolB: string
    ada: string
    ben: string
    eve: string
    users: Record<string, string>
  },
) {
  const panel = await db
    .insertInto('panel')
    .values({ la_code: LA, name: 'Test moderation panel', quorum: 2, created_by: ids.users.manager! })
    .returning('id')
    .executeTakeFirstOrThrow()
  const [pep, manager, head] = await db
    .insertInto('panel_member')
    .values([
      { la_code: LA, panel_id: panel.id, user_id: ids.users.panel!, panel_role: 'Principal Educational Psychologist' },
      { la_code: LA, panel_id: panel.id, user_id: ids.users.manager!, panel_role: 'SEND Manager' },
      {
        la_code: LA,
        panel_id: panel.id,
        user_id: ids.users['head.a']!,
        panel_role: 'Primary head teacher',
        setting_id: ids.schoolA,
      },
    ])
    .returning('id')
    .execute()
  const [past, upcoming] = await db
    .insertInto('panel_session')
    .values([
      { la_code: LA, panel_id: panel.id, session_date: '2026-11-16', location: 'Council House, room 2' },
      { la_code: LA, panel_id: panel.id, session_date: '2026-11-30', location: 'Council House, room 2' },
    ])
    .returning('id')
    .execute()
  await db
    .insertInto('panel_attendance')
    .values([pep!, manager!, head!].map(m => ({ la_code: LA, session_id: past!.id, member_id: m.id })))
    .execute()
  const decidedAt = new Date('2026-11-16T11:00:00Z')
  const award = (childId: string, settingId: string, level: number, annualPence: number, choices: object) => ({
    la_code: LA,
    child_id: childId,
    setting_id: settingId,
    matrix_version_id: ids.approvedVersion,
    funded_setting_type: 'mainstream' as const,
    choices: JSON.stringify(choices),
    evidence: JSON.stringify({ CI: 'Speech and language therapy report, 2026', CL: 'Teacher assessment, 2026' }),
    total_points: level === 1 ? 2 : 7,
    level,
    annual_pence: annualPence,
    start_date: '2026-11-16',
    submitted_at: new Date('2026-11-02T09:00:00Z'),
    submitted_by: ids.users['senco.a']!,
  })
  const [adaAgreed, eveAgreed, benSubmitted] = await db
    .insertInto('award')
    .values([
      {
        ...award(ids.ada, ids.schoolA, 2, 432_000, { CI: 'CI1', CL: 'CL1' }),
        total_points: 2,
        status: 'agreed',
        agreed_at: decidedAt,
        agreed_by: ids.users.manager!,
      },
      {
        ...award(ids.eve, ids.schoolB, 1, 155_000, { CI: 'CI1', CL: 'CL1' }),
        submitted_by: ids.users['senco.b']!,
        status: 'agreed',
        agreed_at: decidedAt,
        agreed_by: ids.users.manager!,
      },
      { ...award(ids.ben, ids.schoolA, 2, 432_000, { CI: 'CI2', CL: 'CL2' }), status: 'submitted' },
    ])
    .returning('id')
    .execute()
  const [adaCase, eveCase, benCase] = await db
    .insertInto('panel_case')
    .values([
      { la_code: LA, session_id: past!.id, award_id: adaAgreed!.id, position: 1, status: 'issued' },
      { la_code: LA, session_id: past!.id, award_id: eveAgreed!.id, position: 2, status: 'issued' },
      { la_code: LA, session_id: upcoming!.id, award_id: benSubmitted!.id, position: 1 },
    ])
    .returning('id')
    .execute()
  const [adaDecision, eveDecision] = await db
    .insertInto('panel_decision')
    .values([
      {
        la_code: LA,
        case_id: adaCase!.id,
        award_id: adaAgreed!.id,
        outcome: 'change_level',
        proposed_level: 1,
        decided_level: 2,
        annual_pence: 432_000,
        reason: 'The communication evidence shows an adult is needed for most of the day.',
        start_date: '2026-11-16',
        member_id: pep!.id,
        decided_by: ids.users.panel!,
        decided_at: decidedAt,
        issued_at: decidedAt,
        issued_by: ids.users.manager!,
      },
      {
        la_code: LA,
        case_id: eveCase!.id,
        award_id: eveAgreed!.id,
        outcome: 'agree',
        proposed_level: 1,
        decided_level: 1,
        annual_pence: 155_000,
        start_date: '2026-11-16',
        member_id: head!.id,
        decided_by: ids.users['head.a']!,
        decided_at: decidedAt,
        issued_at: decidedAt,
        issued_by: ids.users.manager!,
      },
    ])
    .returning('id')
    .execute()
  const legacy = await db
    .insertInto('legacy_funding')
    .values({
      la_code: LA,
      child_id: ids.eve,
      setting_id: ids.schoolB,
      annual_pence: 600_000,
      start_date: '2024-09-01',
      end_date: '2026-11-15',
      note: 'Exceptional funding agreed 2024',
      kind: 'exceptional',
      award_id: eveAgreed!.id,
      protected_until: '2027-08-31',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return {
    panel: panel.id,
    members: { pep: pep!.id, manager: manager!.id, head: head!.id },
    sessions: { past: past!.id, upcoming: upcoming!.id },
    awards: { adaAgreed: adaAgreed!.id, eveAgreed: eveAgreed!.id, benSubmitted: benSubmitted!.id },
    cases: { ada: adaCase!.id, eve: eveCase!.id, ben: benCase!.id },
    decisions: { ada: adaDecision!.id, eve: eveDecision!.id },
    legacy: { eve: legacy.id },
  }
}
export type Fixture = Awaited<ReturnType<typeof loadFixture>>
