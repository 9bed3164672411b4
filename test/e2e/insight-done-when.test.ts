import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Locator, Page } from 'playwright-core'
import { PublishedImportService } from '../../src/insight/published-import.ts'
import { allNamed, parseXml } from '../../src/insight/rules/sen2-xml.ts'
import { AccountService } from '../../src/people/accounts.ts'
import { LA } from '../support/fixture.ts'
import { checkA11y, signIn, startE2E, visit, type E2E } from './support.ts'

// Issue 6's whole sequence in one sitting, as a SEND manager does it: the dashboards filtered to one
// locality and need with a table downloaded, the scrutiny report, the SEN2 return for the January 2026
// reference date with its validation report, and the authority compared with England from the DfE's
// published figures. axe runs on every page. Three plans are in force: Ada at Alder (Northtown, ASD),
// Cara at Birch (Southbury, SEMH, no UPN: an SEN2 error) and Dev at Cedar (Northtown, ASD).

const TEST_TIMEOUT = 180_000
const root = fileURLToPath(new URL('../../', import.meta.url))
const ZIP_2025 = path.join(
  process.env.OPENSEND_SHARED_DATA ?? path.resolve(root, '../shared/data'),
  'education-health-and-care-plans_2025.zip',
)
const present = fs.existsSync(ZIP_2025)
if (!present) console.log(`# skipping the insight done-when journey: ${ZIP_2025} is not there`)

async function go(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent('framenavigated'), target.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

async function download(page: Page, link: Locator): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()])
  return { name: file.suggestedFilename(), text: fs.readFileSync((await file.path())!, 'utf8') }
}

describe('insight: the done-when journey', { skip: !present }, () => {
  let e: E2E
  before(async () => {
    e = await startE2E()
    const { db } = e.t.database
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
    const actor = await new AccountService(db, LA).systemActor()
    await new PublishedImportService(db, LA).import(actor, ZIP_2025, fs.readFileSync(ZIP_2025))
  })
  after(() => e?.close())

  it(
    'dashboards filtered, a table downloaded, the scrutiny report, the SEN2 return and England',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await (await e.newContext({ acceptDownloads: true })).newPage()
      await signIn(page, 'manager')
      await visit(page, '/')
      await go(page, page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Insight' }))
      const insight = page.getByRole('navigation', { name: 'Insight pages' })

      // Dashboards: one locality and one need; the table as CSV.
      await go(page, insight.getByRole('link', { name: 'Caseload' }))
      await page.getByLabel('Locality', { exact: true }).selectOption({ label: 'Northtown' })
      await page.getByLabel('Primary need', { exact: true }).selectOption({ label: 'Autistic spectrum disorder' })
      await go(page, page.getByRole('button', { name: 'Show the figures' }))
      const byNeed = page.getByRole('table', { name: /by primary need/ })
      assert.match(await byNeed.getByRole('row', { name: /Total/ }).innerText(), /\b2\b/)
      const csv = await download(
        page,
        page.getByRole('link', { name: /^CSV \(EHC plans in force on 2026-11-23, by primary need\)$/ }),
      )
      assert.match(csv.text, /Autistic spectrum disorder,2/)

      // The scrutiny report for a chosen date.
      await go(page, insight.getByRole('link', { name: 'Scrutiny report' }))
      await page.getByLabel('Report date').fill('2026-01-18')
      await go(page, page.getByRole('button', { name: 'Make the report' }))
      assert.match(await page.locator('main').innerText(), /On 18 January 2026, 3 EHC plans were in force\./)

      // The SEN2 return for the January 2026 reference date, with its validation report.
      await go(page, insight.getByRole('link', { name: 'SEN2 return' }))
      await page.getByLabel('Reference date').fill('2026-01-15')
      await go(page, page.getByRole('button', { name: 'Make the return' }))
      assert.match(await page.locator('#sen2-summary').innerText(), /3 in force on the reference date/)
      await page.getByRole('heading', { name: 'Validation report' }).waitFor()
      assert.match(await page.locator('#sen2-issues').innerText(), /Cara Rowan \(F0003\)/)
      const xml = await download(page, page.getByRole('link', { name: 'XML for COLLECT' }))
      assert.equal(allNamed(parseXml(xml.text), 'Person').length, 3)

      // Compared with England from the published figures (the test authority has none: Dudley in focus).
      await go(page, insight.getByRole('link', { name: 'Benchmarking' }))
      await page.getByLabel('Authority to focus on').selectOption('332')
      await go(page, page.getByRole('button', { name: 'Compare' }))
      const caseload = page.locator('#table-caseload')
      assert.ok(await caseload.getByRole('cell', { name: '3,628' }).isVisible(), 'Dudley, January 2024')
      assert.ok(await caseload.getByRole('cell', { name: '576,474' }).isVisible(), 'England, January 2024')
    },
  )
})
