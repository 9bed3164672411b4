import type { Kysely } from 'kysely'
import { hashPassword } from '../../src/platform/http/passwords.ts'
import type { DB } from '../../src/schema.ts'
import { matrixVersionSpec } from '../../src/funding/rules/matrix-version.ts'
import { approvedTestMatrixSpec, testMatrixSpec } from './matrix.ts'

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
  return {
    versions: { draft: draftVersion.id, approved: approvedVersion.id },
    awards: { ada: adaAward!.id, eve: eveAward!.id },
    settings: { schoolA: schoolA!.id, schoolB: schoolB!.id, special: special!.id },
    // Ada and Ben attend A; Cara left A for B's resource base; Dev is at the special school; Eve at B.
    children: { ada: ada!.id, ben: ben!.id, cara: cara!.id, dev: dev!.id, eve: eve!.id },
    users: Object.fromEntries(users.map(u => [u.username, u.id])) as Record<string, string>,
  }
}
export type Fixture = Awaited<ReturnType<typeof loadFixture>>
