import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { loadCaseworkFixture, type CaseworkFixture } from '../support/casework-fixture.ts'
import { loadReviewFixture } from '../support/review-fixture.ts'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000

// Today is 2026-11-23. The requests fixture gives Test Officer Ada's request (R1 due 14 December) and
// Cara's plan; the review fixture adds Dev's overdue review (no officer) and Cara's amendment.

let e: E2E
let c: CaseworkFixture
before(async () => {
  e = await startE2E()
  c = await loadCaseworkFixture(e.t.database.db, e.t.fixture)
  await loadReviewFixture(e.t.database.db, e.t.fixture)
})
after(() => e?.close())

/** Follows a link or submits a form, then checks the page it leads to with axe. */
async function go(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent('framenavigated'), target.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('work queue journey', () => {
  it('a case officer opens Casework, filters the queue and opens an item', { timeout: TEST_TIMEOUT }, async () => {
    const context = await e.newContext()
    const page = await context.newPage()
    await signIn(page, 'officer')
    await go(
      page,
      page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Casework', exact: true }),
    )
    assert.equal(here(page), '/casework')
    await page.getByRole('heading', { name: 'My work' }).waitFor()
    const items = page.locator('#queue-items')
    // What needs action by default; every status on asking.
    await page.getByLabel('Status').selectOption('any')
    await go(page, page.getByRole('button', { name: 'Show' }))
    assert.match(await items.innerText(), /Ada Quill/)
    assert.match(await items.innerText(), /Cara Rowan/)

    await page.getByLabel('Rule').selectOption('R1')
    await go(page, page.getByRole('button', { name: 'Show' }))
    assert.match(here(page), /rule=R1/)
    const filtered = await items.innerText()
    assert.match(filtered, /Decide whether to assess/)
    assert.match(filtered, /14 December 2026/)
    assert.doesNotMatch(filtered, /Cara Rowan/)

    await go(page, page.getByRole('link', { name: /Decide whether to assess/ }))
    assert.equal(here(page), `/casework/requests/${c.requests.ada}`)
    await context.close()
  })

  it('a manager sees the team and opens the measures', { timeout: TEST_TIMEOUT }, async () => {
    const context = await e.newContext()
    const page = await context.newPage()
    await signIn(page, 'manager')
    await visit(page, '/casework')
    await page.getByRole('heading', { name: 'Team work queue' }).waitFor()
    assert.match(await page.locator('#queue-items').innerText(), /Dev Sorrel/)
    await go(page, page.getByRole('link', { name: 'Case officers’ capacity' }))
    assert.equal(here(page), '/casework/capacity')
    await visit(page, '/casework')
    await go(page, page.getByRole('link', { name: 'Casework measures' }))
    assert.equal(here(page), '/casework/measures')
    await page.getByLabel('Calendar year').fill('2026')
    await go(page, page.getByRole('button', { name: 'Show' }))
    assert.equal(here(page), '/casework/measures?year=2026')
    // Cara's plan: received 2 March 2026, issued 13 July 2026 (133 days): within 20 weeks.
    assert.match(await page.locator('#twenty-week-headline').innerText(), /100% .* \(1 of 1\)/)
    await visit(page, '/casework/measures?year=20x6', 400)
    await context.close()
  })
})
