import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { loadModerationFixture, type ModerationFixture } from '../support/fixture.ts'
import { checkA11y, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000

let e: E2E
let m: ModerationFixture
before(async () => {
  e = await startE2E()
  m = await loadModerationFixture(e.t.database.db, e.t.fixture)
})
after(() => e?.close())

async function clickThrough(page: Page, button: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), button.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('moderation panel journey', () => {
  it(
    'with JavaScript off: attendance, a change of level (refused without a reason), issue, and the letter',
    { timeout: TEST_TIMEOUT },
    async () => {
      const managerContext = await e.newContext({ javaScriptEnabled: false })
      const manager = await managerContext.newPage()
      await signIn(manager, 'manager')
      await visit(manager, '/moderation/panels')
      await clickThrough(manager, manager.getByRole('link', { name: 'Test moderation panel' }))
      await clickThrough(manager, manager.getByRole('link', { name: '30 November 2026' }))
      const attendance = manager.getByRole('group', { name: 'Who is present' })
      for (const name of [/Test Panel/, /Test Manager/, /Head at Alder/]) await attendance.getByLabel(name).check()
      await clickThrough(manager, manager.getByRole('button', { name: 'Save attendance' }))
      await manager.getByText('Quorate', { exact: true }).waitFor()
      await visit(manager, `/moderation/sessions/${m.sessions.upcoming}/agenda`)

      const pepContext = await e.newContext({ javaScriptEnabled: false })
      const pep = await pepContext.newPage()
      await signIn(pep, 'panel')
      await visit(pep, `/moderation/cases/${m.cases.ben}`)
      // Without JavaScript the conditional questions are simply shown.
      await pep.getByLabel('Change the level').check()
      await pep.getByLabel('The level the panel agrees').selectOption('1')
      await clickThrough(pep, pep.getByRole('button', { name: 'Record decision' }))
      await pep.getByRole('link', { name: 'Enter why the panel changed the level' }).waitFor()
      await pep.getByLabel('Reason').fill('The pupil works independently for most of the day.')
      await clickThrough(pep, pep.getByRole('button', { name: 'Record decision' }))
      await pep.getByText('Decided', { exact: true }).first().waitFor()

      await visit(manager, `/moderation/sessions/${m.sessions.upcoming}`)
      await clickThrough(manager, manager.getByRole('button', { name: 'Issue decided cases (1)' }))
      const decision = await e.t.database.db
        .selectFrom('panel_decision')
        .select(['id', 'issued_at', 'decided_level'])
        .where('case_id', '=', m.cases.ben)
        .executeTakeFirstOrThrow()
      assert.ok(decision.issued_at)
      assert.equal(decision.decided_level, 1)

      const sencoContext = await e.newContext({ javaScriptEnabled: false })
      const senco = await sencoContext.newPage()
      await signIn(senco, 'senco.a')
      await visit(senco, `/children/${e.t.fixture.children.ben}`)
      await clickThrough(senco, senco.getByRole('link', { name: /Decision letter/ }))
      await senco.getByRole('heading', { name: 'Funding matrix decision for Ben Quill' }).waitFor()
      assert.match(await senco.locator('main').innerText(), /£1,550\.00/)
    },
  )
})
