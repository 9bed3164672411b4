import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { loadBudgetDemo } from '../../src/planning/budget-demo.ts'
import { LA, TODAY } from '../support/fixture.ts'
import { loadPlanningFixture } from '../support/planning-fixture.ts'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000

let e: E2E
before(async () => {
  e = await startE2E()
  await loadPlanningFixture(e.t.database.db, e.t.fixture)
  await loadBudgetDemo(e.t.database.db, LA, TODAY)
})
after(() => e?.close())

async function clickThrough(page: Page, control: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), control.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

const pounds = (text: string) => Number(text.replace(/[^0-9.-]/g, ''))

/** The trajectory table's last row: [year, plans, doing nothing, …scenarios]. */
async function lastYear(page: Page): Promise<string[]> {
  const rows = page.getByRole('table', { name: /Cumulative High Needs deficit/ }).getByRole('row')
  return rows.last().locator('th, td').allInnerTexts()
}

describe('planning money journey', () => {
  it(
    'a finance officer switches on a mitigation scenario and sees the deficit trajectory fall beside doing nothing',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await (await e.newContext()).newPage()
      await signIn(page, 'finance')
      await visit(page, '/planning/forecast')
      await clickThrough(
        page,
        page.getByRole('navigation', { name: 'Planning pages' }).getByRole('link', { name: 'High Needs budget' }),
      )
      assert.equal(here(page), '/planning/budget')
      // Seed 004's table, from data.
      const dsg = page.getByRole('table', { name: /DSG 2021-22/ })
      assert.match(await dsg.innerText(), /High Needs Block[^£]*£39,849,000\.00\s+£13,609,000\.00\s+£21,657,000\.00/)
      assert.match(
        await dsg.innerText(),
        /Dedicated Schools Grant\s+£287,716,000\.00\s+£11,151,000\.00\s+£18,813,000\.00/,
      )
      const before = await lastYear(page)
      assert.equal(before.length, 3, 'doing nothing only')
      assert.equal(await page.locator('polyline.app-deficit-line').count(), 1)

      await page.getByLabel(/DBV savings/).check()
      await clickThrough(page, page.getByRole('button', { name: 'Compare scenarios' }))
      assert.match(page.url(), /scenario=dbv-savings/)
      const after = await lastYear(page)
      assert.equal(after.length, 4, 'doing nothing and the DBV scenario side by side')
      assert.equal(after[2], before[2], 'doing nothing is unchanged')
      // £3m a year for five years: £15m less deficit by the fifth year.
      assert.equal(pounds(after[2]!) - pounds(after[3]!), 15_000_000)
      assert.equal(await page.locator('polyline.app-deficit-line').count(), 2)
      assert.ok(await page.getByRole('img', { name: /doing nothing, DBV savings/ }).isVisible())
    },
  )

  it(
    'a finance officer adds a costed post to the reserve plan, after a fixed term ending before it starts is refused',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await (await e.newContext()).newPage()
      await signIn(page, 'finance')
      await visit(page, '/planning/reserves')
      await checkA11y(page)
      const list = page.getByRole('table', { name: /Reserve funds/ })
      assert.match(
        await list.innerText(),
        /School Specific Contingency Reserve\s+£511,000\.00\s+£446,000\.00\s+£0\.00\s+£65,000\.00/,
      )
      await clickThrough(page, list.getByRole('link', { name: 'School Specific Contingency Reserve' }))
      assert.equal(await page.locator('#left-to-allocate').innerText(), '£65,000.00')

      await page.getByLabel('What it pays for').fill('SEND administrator')
      await page.getByLabel('Salary a year (posts)').fill('-20000')
      await page.getByLabel('On-costs a year (posts)').fill('5000')
      await page.getByLabel('Number of posts').fill('1')
      await page.getByLabel('Starts').fill('2023-09-01')
      await page.getByLabel('Ends').fill('2023-08-31')
      await clickThrough(page, page.getByRole('button', { name: 'Add the line' }))
      const summary = await page.locator('.govuk-error-summary').innerText()
      assert.match(summary, /Salary must not be negative/)
      assert.match(summary, /The fixed term must end after it starts/)
      assert.equal(await page.getByLabel('Salary a year (posts)').inputValue(), '-20000')

      // Too big for what is left: the plan may not commit more than the fund holds.
      await page.getByLabel('Salary a year (posts)').fill('85000')
      await page.getByLabel('Ends').fill('2024-08-31')
      await clickThrough(page, page.getByRole('button', { name: 'Add the line' }))
      assert.match(
        await page.locator('.govuk-error-summary').innerText(),
        /more than the fund holds \(over by £25,000\.00\)/,
      )

      await page.getByLabel('Salary a year (posts)').fill('20000')
      await page.getByLabel('Spent to date').fill('2,500')
      await clickThrough(page, page.getByRole('button', { name: 'Add the line' }))
      assert.match(here(page), /^\/planning\/reserves\/[0-9a-f-]{36}$/)
      // (£20,000 + £5,000) × 1 post × 12 months = £25,000.
      assert.equal(await page.locator('#left-to-allocate').innerText(), '£40,000.00')
      assert.match(
        await page.getByRole('table', { name: 'Costed lines' }).innerText(),
        /SEND administrator[\s\S]*£25,000\.00\s+£2,500\.00\s+£22,500\.00/,
      )
    },
  )
})

describe('cluster budgets journey', () => {
  it(
    'a finance officer changes the formula after a bad one is refused, and the host school records its cluster’s allocation',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await (await e.newContext()).newPage()
      await signIn(page, 'finance')
      await visit(page, '/planning/budget')
      await clickThrough(
        page,
        page.getByRole('navigation', { name: 'Planning pages' }).getByRole('link', { name: 'Cluster budgets' }),
      )
      assert.equal(here(page), '/planning/clusters')
      const shareOf = async (name: RegExp) =>
        pounds(await page.getByRole('row', { name }).locator('td').nth(4).innerText())
      const before = await shareOf(/Northtown cluster/)

      await page.getByLabel('Pupil numbers weight').fill('60')
      await page.getByLabel('EHC plans weight').fill('-5')
      await clickThrough(page, page.getByRole('button', { name: 'Save the formula' }))
      const summary = await page.locator('.govuk-error-summary').innerText()
      assert.match(summary, /EHC plans weight must be between 0% and 100%/)
      assert.equal(await page.getByLabel('Pupil numbers weight').inputValue(), '60')

      await page.getByLabel('Pot to delegate').fill('100000')
      await page.getByLabel('Pupil numbers weight').fill('100')
      await page.getByLabel('EHC plans weight').fill('0')
      await page.getByLabel('Pupils on SEN support weight').fill('0')
      await page.getByLabel(/Deprivation .* weight/).fill('0')
      await clickThrough(page, page.getByRole('button', { name: 'Save the formula' }))
      assert.equal(await page.locator('#pot-total').innerText(), '£100,000.00')
      const north = await shareOf(/Northtown cluster/)
      const south = await shareOf(/Southbury cluster/)
      assert.notEqual(north, before)
      assert.equal(Math.round((north + south) * 100), 100_000_00, 'the shares add up to the pot')

      const school = await (await e.newContext()).newPage()
      await signIn(school, 'senco.a')
      await visit(school, '/')
      await Promise.all([
        school.waitForEvent('framenavigated'),
        school.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Cluster budgets' }).click(),
      ])
      await checkA11y(school)
      assert.equal(await school.getByRole('row', { name: /Southbury cluster/ }).count(), 0)
      await Promise.all([
        school.waitForEvent('framenavigated'),
        school.getByRole('link', { name: 'Northtown cluster' }).click(),
      ])
      await checkA11y(school)
      await school.getByLabel('What the money is for').fill('Outreach from the resource base')
      await school.getByLabel('Amount').fill('1,500')
      await school.getByLabel('Date').fill('2026-10-01')
      await Promise.all([
        school.waitForEvent('framenavigated'),
        school.getByRole('button', { name: 'Record it' }).click(),
      ])
      await checkA11y(school)
      assert.equal(pounds(await school.locator('#left-to-allocate').innerText()), north - 1500)
      assert.match(
        await school.getByRole('table', { name: 'Allocations and spend' }).innerText(),
        /Outreach from the resource base\s+£1,500\.00/,
      )
    },
  )

  it(
    'a finance officer changes the trajectory assumptions, sets a High Needs line budget and counts the clusters from records',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await (await e.newContext()).newPage()
      await signIn(page, 'finance')
      await visit(page, '/planning/budget')
      const before = await lastYear(page)
      await clickThrough(page, page.getByRole('link', { name: 'Change the trajectory assumptions' }))
      assert.equal(here(page), '/planning/budget/assumptions')
      const funding = page.getByLabel('High Needs funding in that year')
      const was = pounds(await funding.inputValue())
      const rise = Number(await page.getByLabel('Yearly rise in funding').inputValue())
      await funding.fill('lots')
      await clickThrough(page, page.getByRole('button', { name: 'Save the assumptions' }))
      assert.match(
        await page.locator('.govuk-error-summary').innerText(),
        /High Needs funding must be an amount in pounds/,
      )
      await page.getByLabel('High Needs funding in that year').fill(String(was + 1_000_000))
      await page.getByLabel('Yearly rise in funding').fill('0')
      await clickThrough(page, page.getByRole('button', { name: 'Save the assumptions' }))
      assert.equal(here(page), '/planning/budget')
      const after = await lastYear(page)
      // Funding held flat at £1m above the old first year's: the fifth year's deficit moves by exactly
      // the difference in funding over the five years (each year's funding rounded to the penny).
      const pence = (p: number) => Math.round(p * 100)
      const difference = [0, 1, 2, 3, 4].reduce(
        (sum, i) => sum + pence(was + 1_000_000) - Math.round(pence(was) * (1 + rise / 100) ** i),
        0,
      )
      assert.equal(pence(pounds(before[2]!)) - pence(pounds(after[2]!)), difference)

      await clickThrough(page, page.getByRole('link', { name: 'Change for Mainstream top-ups' }))
      await page.getByLabel(/Budget for/).fill('750000')
      await clickThrough(page, page.getByRole('button', { name: 'Save the budget' }))
      const lines = page.getByRole('table', { name: /Each High Needs line’s budget/ })
      assert.match(await lines.innerText(), /Mainstream top-ups[^\n]*\s+\d+\s+£750,000\.00/)

      await visit(page, '/planning/clusters')
      await clickThrough(page, page.getByRole('button', { name: 'Count EHC plans and SEN support from records' }))
      assert.match(
        await page.locator('main').innerText(),
        /counted from the pupils placed at each cluster.s schools on/,
      )
      await clickThrough(
        page,
        page
          .getByRole('table', { name: /Each cluster/ })
          .getByRole('link')
          .first(),
      )
      assert.match(
        await page.getByRole('table', { name: /The formula.s measures/ }).innerText(),
        /Counted from placements on/,
      )
    },
  )
})
