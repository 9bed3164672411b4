import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { LA } from '../support/fixture.ts'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000

// Three plans in force (fixture settings: Alder and Cedar in Northtown, Birch in Southbury): Ada at
// Alder (ASD), Cara at Birch (SEMH), Dev at Cedar (ASD). Northtown and ASD: Ada and Dev, 2 plans.
let e: E2E
before(async () => {
  e = await startE2E()
  const db = e.t.database.db
  const { children, settings } = e.t.fixture
  for (const [child, setting, need, issued] of [
    [children.ada!, settings.schoolA, 'ASD', '2024-02-01'],
    [children.cara!, settings.schoolB, 'SEMH', '2023-06-01'],
    [children.dev!, settings.special, 'ASD', '2022-03-01'],
  ] as const) {
    const plan = await db
      .insertInto('ehc_plan')
      .values({ la_code: LA, child_id: child, issued_on: issued, named_setting_id: setting })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db.insertInto('ehc_plan_need').values({ la_code: LA, plan_id: plan.id, rank: 1, need_code: need }).execute()
  }
})
after(() => e?.close())

async function clickThrough(page: Page, control: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), control.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('insight journey', () => {
  it(
    'a SEND manager filters the caseload to one locality and need, downloads a table and opens the scrutiny report',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await (await e.newContext({ acceptDownloads: true })).newPage()
      await signIn(page, 'manager')
      await visit(page, '/')
      await clickThrough(
        page,
        page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Insight' }),
      )
      assert.equal(here(page), '/insight')
      assert.equal(await page.locator('svg[role="img"][aria-labelledby="chart-caseload-january-title"]').count(), 1)

      await clickThrough(
        page,
        page.getByRole('navigation', { name: 'Insight pages' }).getByRole('link', { name: 'Caseload' }),
      )
      assert.equal(here(page), '/insight/caseload')
      await page.getByLabel('Locality', { exact: true }).selectOption({ label: 'Northtown' })
      await page.getByLabel('Primary need', { exact: true }).selectOption({ label: 'Autistic spectrum disorder' })
      await clickThrough(page, page.getByRole('button', { name: 'Show the figures' }))
      assert.match(page.url(), /locality=N/)
      assert.match(page.url(), /need=ASD/)
      const byNeed = page.getByRole('table', { name: /by primary need/ })
      assert.match(await byNeed.getByRole('row', { name: /Autistic spectrum disorder/ }).innerText(), /\b2\b/)
      assert.match(await byNeed.getByRole('row', { name: /Total/ }).innerText(), /\b2\b/)

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: /^CSV \(EHC plans in force on 2026-11-23, by primary need\)$/ }).click(),
      ])
      assert.equal(download.suggestedFilename(), 'by-need-2026-11-23.csv')
      const file = fs.readFileSync((await download.path())!, 'utf8')
      assert.match(file, /^Primary need,Plans/)
      assert.match(file, /Autistic spectrum disorder,2/)
      assert.match(file, /Total,2/)

      // The other dashboards, each checked with axe.
      for (const path of ['/insight/timeliness', '/insight/casework', '/insight/money?fy=2026-27'])
        await visit(page, path)

      await clickThrough(
        page,
        page.getByRole('navigation', { name: 'Insight pages' }).getByRole('link', { name: 'Scrutiny report' }),
      )
      await page.getByLabel('Report date').fill('2026-01-18')
      await clickThrough(page, page.getByRole('button', { name: 'Make the report' }))
      assert.match(page.url(), /date=2026-01-18/)
      assert.match(await page.locator('h1').innerText(), /SEND scrutiny report: 18 January 2026/)
      assert.match(await page.locator('main').innerText(), /On 18 January 2026, 3 EHC plans were in force\./)
      assert.ok(await page.getByText('No Written Statement of Action has been recorded.').isVisible())

      // Printed, the header, menus and controls are left off.
      await page.emulateMedia({ media: 'print' })
      assert.equal(await page.locator('.govuk-service-navigation').isVisible(), false)
      assert.equal(await page.locator('form[action="/insight/scrutiny"]').isVisible(), false)
      assert.ok(await page.getByRole('heading', { name: '1. EHCP cohort and growth' }).isVisible())
    },
  )
})
