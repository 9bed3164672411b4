import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'
import { agreedAward } from '../support/awards.ts'

const TEST_TIMEOUT = 90_000

// The shared fixture has no agreed awards: agree one at each of School A, School B and the special
// school under the approved version, from the start of 2026-27.
let e: E2E
before(async () => {
  e = await startE2E()
  const { db } = e.t.database
  const { children, settings } = e.t.fixture
  const agreed = (
    childId: string,
    settingId: string,
    settingType: 'mainstream' | 'resource_base' | 'special',
    level: number,
    annualPence: number,
    choices: Record<string, string | null>,
    bandCode: string | null = null,
  ) => agreedAward(e.t.fixture, { childId, settingId, settingType, level, annualPence, choices, bandCode })
  await db
    .insertInto('award')
    .values([
      agreed(children.ben, settings.schoolA, 'mainstream', 2, 432_000, { CI: 'CI2', CL: 'CL1' }),
      agreed(children.cara, settings.schoolB, 'resource_base', 1, 255_000, { CI: 'CI1', CL: null }),
      agreed(children.dev, settings.special, 'special', 1, 1_200_000, {}, 'A'),
    ])
    .execute()
})
after(() => e?.close())

async function clickThrough(page: Page, control: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), control.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('funding journeys', () => {
  it('a finance officer runs a year and opens a school statement', { timeout: TEST_TIMEOUT }, async () => {
    const page = await (await e.newContext()).newPage()
    await signIn(page, 'finance')
    await visit(page, '/funding/runs')
    await page.getByLabel('Financial year').selectOption('2026-27')
    await clickThrough(page, page.getByRole('button', { name: 'Run funding' }))
    // £4,320 + £2,550 + band A £12,000 for the whole year.
    assert.match(await page.locator('main').innerText(), /3 pupils, 3 lines, £18,870\.00 in total/)
    await clickThrough(page, page.getByRole('link', { name: 'Alder Primary School' }))
    assert.equal(new URL(page.url()).pathname, `/funding/statements/${e.t.fixture.settings.schoolA}`)
    assert.match(await page.locator('main').innerText(), /Ben/)
  })

  it('a SENCo opens their own statement from the navigation', { timeout: TEST_TIMEOUT }, async () => {
    const page = await (await e.newContext()).newPage()
    await signIn(page, 'senco.a')
    await visit(page, '/')
    await clickThrough(page, page.getByRole('navigation').getByRole('link', { name: 'Funding statement' }))
    assert.equal(here(page), `/funding/statements/${e.t.fixture.settings.schoolA}`)
    assert.match(await page.locator('main').innerText(), /Alder Primary School/)
  })

  it('a finance officer runs a what-if of the draft version', { timeout: TEST_TIMEOUT }, async () => {
    const page = await (await e.newContext()).newPage()
    await signIn(page, 'finance')
    await visit(page, `/funding/versions/${e.t.fixture.versions.draft}`)
    await clickThrough(page, page.getByRole('link', { name: 'Run a what-if' }))
    await page.getByLabel('Financial year').selectOption('2026-27')
    await clickThrough(page, page.getByRole('button', { name: 'Run the what-if' }))
    // The draft has only mainstream rates: Ben is re-priced (unchanged), Cara and Dev are not.
    assert.match(
      await page.locator('#what-if-summary').innerText(),
      /3 current awards cost £18,870\.00 a year now and would cost £18,870\.00 under the draft/,
    )
    assert.match(await page.locator('#not-priced').innerText(), /cannot price 2 awards/)
  })
})
