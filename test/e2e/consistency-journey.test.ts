import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { loadModerationFixture } from '../support/fixture.ts'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 90_000

// The moderation fixture's two issued decisions: Ada at Alder raised 1 → 2, Eve at Birch agreed at 1.
let e: E2E
before(async () => {
  e = await startE2E()
  await loadModerationFixture(e.t.database.db, e.t.fixture)
})
after(() => e?.close())

async function clickThrough(page: Page, control: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), control.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('panel consistency journey', () => {
  it('a SEND manager opens the report from the navigation and filters it', { timeout: TEST_TIMEOUT }, async () => {
    const page = await (await e.newContext()).newPage()
    await signIn(page, 'manager')
    await visit(page, '/')
    // Moderation in the header, then the report in the Moderation pages' row.
    await clickThrough(
      page,
      page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Moderation' }),
    )
    await clickThrough(
      page,
      page.getByRole('navigation', { name: 'Moderation pages' }).getByRole('link', { name: 'Panel consistency' }),
    )
    assert.equal(here(page), '/moderation/consistency')
    const main = page.locator('main')
    assert.match(await main.innerText(), /2 decisions set a level: the panel agreed 1, raised 1 and lowered 0/)
    const bySchool = page.getByRole('table', { name: 'By school' })
    assert.match(await bySchool.getByRole('row', { name: /Alder Primary School/ }).innerText(), /1\s+0\s+1\s+0\s+100%/)
    assert.match(await bySchool.getByRole('row', { name: /Birch Academy/ }).innerText(), /1\s+1\s+0\s+0\s+0%/)
    await bySchool.getByRole('img', { name: '0 agreed, 1 raised, 0 lowered' }).waitFor()

    // A date that is not one: the error summary, and the field keeps what was typed.
    await page.getByLabel('Sessions from').fill('2026-13-01')
    await clickThrough(page, page.getByRole('button', { name: 'Show the report' }))
    assert.match(await page.title(), /^Error: Panel consistency/)
    assert.match(await page.getByRole('alert').innerText(), /Enter the start date as a real date/)
    assert.equal(await page.getByLabel('Sessions from').inputValue(), '2026-13-01')

    // Before the session on 16 November 2026: nothing.
    await page.getByLabel('Sessions from').fill('2026-01-01')
    await page.getByLabel('Sessions to').fill('2026-11-15')
    await page.getByLabel('Panel').selectOption({ label: 'Test moderation panel' })
    await clickThrough(page, page.getByRole('button', { name: 'Show the report' }))
    assert.match(await main.innerText(), /The panel issued no decision that set a level in these dates/)
  })
})
