import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { AccountService } from '../src/people/accounts.ts'
import { ForbiddenError, ValidationError } from '../src/platform/errors.ts'
import { signedIn, startTestApp, type TestApp } from './support/app.ts'
import { LA } from './support/fixture.ts'

let t: TestApp
let accounts: AccountService
before(async () => {
  t = await startTestApp()
  accounts = new AccountService(t.database.db, LA)
})
after(() => t.close())

describe('adding accounts', () => {
  it('adds a school user tied to their school, who can then sign in and sees only that school', async () => {
    const admin = await accounts.systemActor()
    const id = await accounts.createUser(admin, {
      username: 'new.senco',
      displayName: 'New Senco',
      role: 'school_user',
      settingUrn: '900002',
      password: 'a long enough password',
    })
    const audit = await t.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('action', '=', 'user.create')
      .where('record_id', '=', id)
      .execute()
    assert.equal(audit.length, 1)
    assert.ok(!JSON.stringify(audit).includes('a long enough password'))
    const senco = await signedIn(t.app, 'new.senco', 'a long enough password')
    assert.equal((await senco.get(`/children/${t.fixture.children.eve}`)).status, 200)
    assert.equal((await senco.get(`/children/${t.fixture.children.ada}`)).status, 404)
  })

  it('refuses incomplete or clashing accounts with a reason for each field', async () => {
    const admin = await accounts.systemActor()
    const refused = (input: object) => assert.rejects(() => accounts.createUser(admin, input), ValidationError)
    await refused({ username: 'x', displayName: 'X', role: 'school_user', email: 'x@example.test' })
    await refused({
      username: 'y',
      displayName: 'Y',
      role: 'case_officer',
      settingUrn: '900001',
      email: 'y@example.test',
    })
    await refused({ username: 'z', displayName: 'Z', role: 'case_officer' })
    await refused({ username: 'officer', displayName: 'Again', role: 'case_officer', email: 'new@example.test' })
    await refused({
      username: 'w',
      displayName: 'W',
      role: 'school_user',
      settingUrn: '123456',
      email: 'w@example.test',
    })
    await refused({ username: 'system:me', displayName: 'S', role: 'la_admin', email: 's@example.test' })
  })

  it('lets only an LA admin add accounts', async () => {
    const officer = (await accounts.loadActor(t.fixture.users.officer!, null))!
    await assert.rejects(
      () =>
        accounts.createUser(officer, { username: 'q', displayName: 'Q', role: 'la_admin', email: 'q@example.test' }),
      ForbiddenError,
    )
  })
})
