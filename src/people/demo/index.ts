import type { Kysely } from 'kysely'
import type { DB } from '../../schema.ts'
import { hashPassword } from '../../platform/http/passwords.ts'

export const DEMO_PASSWORD = 'demo-password'

export type DemoOptions = { laCode: string; asAt: string; scale: number; seed?: number }

export async function hasPeople(db: Kysely<DB>, laCode: string): Promise<boolean> {
  const row = await db.selectFrom('setting').select('id').where('la_code', '=', laCode).limit(1).executeTakeFirst()
  return Boolean(row)
}

// Temporary minimal demo; replaced by the Dudley-shaped generator.
export async function loadDemo(db: Kysely<DB>, options: DemoOptions): Promise<{ settings: number; children: number }> {
  const hash = await hashPassword(DEMO_PASSWORD)
  return db.transaction().execute(async trx => {
    await trx.insertInto('locality').values([{ la_code: options.laCode, code: 'N', name: 'North' }, { la_code: options.laCode, code: 'S', name: 'South' }]).execute()
    const settings = await trx.insertInto('setting').values([
      { la_code: options.laCode, urn: '100001', name: 'Oakfield Primary School', setting_type: 'mainstream', phase: 'primary', governance: 'la_maintained', locality_code: 'N' },
      { la_code: options.laCode, urn: '100002', name: 'Riverside Academy', setting_type: 'mainstream', phase: 'secondary', governance: 'academy', locality_code: 'S' },
    ]).returning(['id']).execute()
    const children = []
    for (let i = 0; i < 60; i++) {
      children.push({ la_code: options.laCode, local_id: `C${String(i).padStart(6, '0')}`, upn: null, first_name: ['Amir', 'Bella', 'Cal', 'Dee'][i % 4]!, last_name: ['Smith', 'Jones', 'Patel', 'Okafor', 'Nowak'][i % 5]!, date_of_birth: `${2012 + (i % 8)}-0${1 + (i % 9)}-15`, sen_status: (i % 3 === 0 ? 'ehcp' : 'sen_support') as 'ehcp' | 'sen_support', ehcp_start_date: i % 3 === 0 ? '2022-03-01' : null })
    }
    const inserted = await trx.insertInto('child').values(children).returning(['id']).execute()
    await trx.insertInto('placement').values(inserted.map((c, i) => ({ la_code: options.laCode, child_id: c.id, setting_id: settings[i % 2]!.id, start_date: '2021-09-01' }))).execute()
    await trx.insertInto('child_need').values(inserted.map((c, i) => ({ la_code: options.laCode, child_id: c.id, rank: 1, need_code: ['ASD', 'SLCN', 'SEMH'][i % 3]! }))).execute()
    const users = [
      { username: 'admin', display_name: 'Alex Admin', role: 'la_admin' as const, setting_id: null },
      { username: 'manager', display_name: 'Morgan Manager', role: 'send_manager' as const, setting_id: null },
      { username: 'officer', display_name: 'Casey Officer', role: 'case_officer' as const, setting_id: null },
      { username: 'panel', display_name: 'Pat Panel', role: 'panel_member' as const, setting_id: null },
      { username: 'finance', display_name: 'Frankie Finance', role: 'finance_officer' as const, setting_id: null },
      { username: 'senco.a', display_name: 'Sam Senco', role: 'school_user' as const, setting_id: settings[0]!.id },
      { username: 'senco.b', display_name: 'Robin Senco', role: 'school_user' as const, setting_id: settings[1]!.id },
    ]
    await trx.insertInto('app_user').values(users.map(u => ({ ...u, password_hash: hash }))).execute()
    return { settings: settings.length, children: children.length }
  })
}
