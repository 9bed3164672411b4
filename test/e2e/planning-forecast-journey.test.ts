import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { loadPlanningFixture } from '../support/planning-fixture.ts'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000

let e: E2E
before(async () => {
  e = await startE2E()
  await loadPlanningFixture(e.t.database.db, e.t.fixture)
})
after(() => e?.close())

async function clickThrough(page: Page, control: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), control.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

/** The forecast table's last row: [January, plans, low, high, no-change]. */
async function lastRow(page: Page): Promise<number[]> {
  const rows = page.getByRole('table', { name: /forecast with its 80% band/ }).getByRole('row')
  const cells = await rows.last().locator('th, td').allInnerTexts()
  return cells.map(c => Number(c.replace(/[^0-9]/g, '')))
}

describe('planning forecast journey', () => {
  it(
    'a finance officer opens the forecast, switches on a scenario, sees the numbers and band move, and downloads it',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await (await e.newContext({ acceptDownloads: true })).newPage()
      await signIn(page, 'finance')
      await visit(page, '/')
      await clickThrough(
        page,
        page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Planning' }),
      )
      assert.equal(here(page), '/planning/forecast')
      assert.equal(await page.locator('svg[role="img"][aria-labelledby="chart-forecast-title"]').count(), 1)
      const before = await lastRow(page)
      const bandBefore = await page.locator('polygon.app-forecast-band').getAttribute('points')

      // A bad scenario first: each problem named, what was typed kept.
      await page.getByLabel('Change in new plans (%)').fill('lots')
      await page.getByLabel('Years ahead').fill('9')
      await clickThrough(page, page.getByRole('button', { name: 'Show the forecast' }))
      const summary = page.locator('.govuk-error-summary')
      assert.match(await summary.innerText(), /Change in new plans must be a number/)
      assert.match(await summary.innerText(), /Years ahead must be 3, 4 or 5/)
      assert.equal(await page.getByLabel('Change in new plans (%)').inputValue(), 'lots')

      await page.getByLabel('Change in new plans (%)').fill('25')
      await page.getByLabel('Years ahead').fill('5')
      await clickThrough(page, page.getByRole('button', { name: 'Show the forecast' }))
      assert.match(page.url(), /newPlansPercent=25/)
      const after = await lastRow(page)
      assert.equal(after[0], before[0], 'the same January')
      assert.ok(after[1]! > before[1]!, `more new plans, more plans: ${after[1]} after ${before[1]}`)
      assert.ok(after[2]! > before[2]! && after[3]! > before[3]!, 'the band moves with them')
      assert.equal(after[4], before[1], 'the no-change forecast stays beside it')
      assert.notEqual(await page.locator('polygon.app-forecast-band').getAttribute('points'), bandBefore)
      assert.match((await page.locator('#headline').innerText()).replace(/,/g, ''), new RegExp(`${after[1]} plans`))

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: /^CSV \(EHC plans at each January: forecast with its 80% band\)$/ }).click(),
      ])
      assert.equal(download.suggestedFilename(), 'ehcp-forecast-2026.csv')
      const file = fs.readFileSync((await download.path())!, 'utf8')
      assert.match(file, /^\uFEFF?January,Plans \(forecast\),Low \(80% band\),High \(80% band\),No-change forecast/)
      assert.ok(file.includes(`${after[0]},${after[1]},${after[2]},${after[3]},${after[4]}`))

      await clickThrough(
        page,
        page.getByRole('navigation', { name: 'Planning pages' }).getByRole('link', { name: 'Sufficiency of places' }),
      )
      assert.equal(here(page), '/planning/sufficiency')
      assert.ok(await page.getByRole('table', { name: /Specialist places against projected demand/ }).isVisible())
    },
  )
})
