import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { loadModerationFixture, type ModerationFixture } from '../support/fixture.ts'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

// Issue 4's whole journey, as the four people do it in the browser (with JavaScript, as most will):
// the SENCo submits, the SEND manager puts it on the agenda, a panel member lowers the level with a
// reason, the manager issues it, and the SENCo sees the agreed level, the reason and the money on
// their school's funding statement. axe runs on every page.

const TEST_TIMEOUT = 180_000
const REASON = 'Visual supports are already part of whole-class teaching at Alder.'

let e: E2E
let m: ModerationFixture
before(async () => {
  e = await startE2E()
  m = await loadModerationFixture(e.t.database.db, e.t.fixture)
})
after(() => e?.close())

async function clickThrough(page: Page, target: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), target.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('moderation: from submission to the statement', () => {
  it(
    'SENCo submits → manager adds to a session → member changes the level → issued → SENCo sees it',
    { timeout: TEST_TIMEOUT },
    async () => {
      const { ada } = e.t.fixture.children
      const awardId = e.t.fixture.awards.ada

      // The SENCo at Alder completes and submits Ada's matrix: 5 points, Level 2, £4,320.00 a year.
      const senco = await (await e.newContext()).newPage()
      await signIn(senco, 'senco.a')
      await visit(senco, `/children/${ada}/awards/${awardId}`)
      await senco
        .getByRole('group', { name: 'Communication and interaction' })
        .getByLabel('Needs visual support through the day (3 points)')
        .check()
      await senco.getByLabel('Evidence for Communication and interaction').fill('Speech and language report')
      await senco
        .getByRole('group', { name: 'Cognition and learning' })
        .getByLabel('Working slightly below age-related expectations (1 point)')
        .check()
      await senco.getByLabel('Evidence for Cognition and learning').fill('Teacher assessment')
      await clickThrough(senco, senco.getByRole('button', { name: 'Submit for agreement' }))
      await senco.getByText('Submitted', { exact: true }).first().waitFor()

      // The SEND manager finds it by school on the next session's agenda builder and adds it.
      const manager = await (await e.newContext()).newPage()
      await signIn(manager, 'manager')
      await clickThrough(manager, manager.getByRole('navigation').getByRole('link', { name: 'Moderation' }))
      await clickThrough(manager, manager.getByRole('link', { name: 'Test moderation panel' }))
      await clickThrough(manager, manager.getByRole('link', { name: '30 November 2026' }))
      await visit(manager, `/moderation/sessions/${m.sessions.upcoming}/agenda`)
      await manager.getByLabel('School').selectOption({ label: 'Alder Primary School' })
      await clickThrough(manager, manager.getByRole('button', { name: 'Filter' }))
      await manager.getByLabel('Add Ada Quill').check()
      await clickThrough(manager, manager.getByRole('button', { name: 'Add to the agenda' }))
      // Present: the Principal EP and the manager; the head at Alder is conflicted and is not counted.
      const attendance = manager.getByRole('group', { name: 'Who is present' })
      for (const name of [/Test Panel/, /Test Manager/]) await attendance.getByLabel(name).check()
      await clickThrough(manager, manager.getByRole('button', { name: 'Save attendance' }))

      // The panel member lowers the level with a reason.
      const pep = await (await e.newContext()).newPage()
      await signIn(pep, 'panel')
      await visit(pep, `/moderation/sessions/${m.sessions.upcoming}`)
      await clickThrough(pep, pep.getByRole('link', { name: /Ada Quill/ }))
      assert.match(await pep.locator('main').innerText(), /£4,320\.00/)
      await pep.getByLabel('Change the level').check()
      await pep.getByLabel('The level the panel agrees').selectOption('1')
      await pep.getByLabel('Reason').fill(REASON)
      await clickThrough(pep, pep.getByRole('button', { name: 'Record decision' }))
      await pep.getByText('Decided', { exact: true }).first().waitFor()

      // The manager issues it: only now does it count.
      await visit(manager, `/moderation/sessions/${m.sessions.upcoming}`)
      await clickThrough(manager, manager.getByRole('button', { name: /Issue decided cases/ }))
      const award = await e.t.database.db
        .selectFrom('award')
        .select(['status', 'level', 'annual_pence', 'start_date'])
        .where('id', '=', awardId)
        .executeTakeFirstOrThrow()
      assert.deepEqual(
        { status: award.status, level: award.level, annual: Number(award.annual_pence), start: award.start_date },
        { status: 'agreed', level: 1, annual: 155_000, start: '2026-11-30' },
      )

      // The SENCo's statement shows Ada at the agreed level from the session date, with the reason and the money.
      await visit(senco, '/')
      await clickThrough(senco, senco.getByRole('navigation').getByRole('link', { name: 'Funding statement' }))
      assert.equal(here(senco), `/funding/statements/${e.t.fixture.settings.schoolA}`)
      const statement = await senco.locator('main').innerText()
      assert.match(statement, /Ada Quill/)
      assert.ok(statement.includes(REASON), 'the panel’s reason is on the statement')
      assert.match(statement, /Level 1/)
      // Level 1 from 30 November 2026 to 31 March 2027: £1,550 × 122 ÷ 365 = £518.08.
      assert.match(statement, /£518\.08/)
    },
  )
})
