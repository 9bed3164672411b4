import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { PublishedImportService } from '../../src/insight/published-import.ts'
import { AccountService } from '../../src/people/accounts.ts'
import { LA } from '../support/fixture.ts'
import { checkA11y, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000
const root = fileURLToPath(new URL('../../', import.meta.url))
const DATA = process.env.OPENSEND_SHARED_DATA ?? path.resolve(root, '../shared/data')
const ZIP_2025 = path.join(DATA, 'education-health-and-care-plans_2025.zip')
const present = fs.existsSync(ZIP_2025)
if (!present) console.log(`# skipping the benchmarking journey: ${ZIP_2025} is not there`)

describe('benchmarking journey', { skip: !present }, () => {
  let e: E2E
  before(async () => {
    e = await startE2E()
    const { db } = e.t.database
    const actor = await new AccountService(db, LA).systemActor()
    await new PublishedImportService(db, LA).import(actor, ZIP_2025, fs.readFileSync(ZIP_2025))
  })
  after(() => e?.close())

  it(
    'a SEND manager compares Dudley with England and a chosen authority, and downloads a table',
    { timeout: TEST_TIMEOUT },
    async () => {
      const context = await e.newContext({ acceptDownloads: true })
      const page = await context.newPage()
      await signIn(page, 'manager')
      await visit(page, '/insight/benchmarking')
      // The test authority (999) has no published figures: the page says so and offers a choice.
      assert.ok(await page.getByText('This authority has no published figures under LA code 999').isVisible())

      await page.getByLabel('Authority to focus on').selectOption('332')
      await page.getByText('Choose comparator authorities').click()
      await page.getByLabel('Sandwell (333)').check()
      await Promise.all([page.waitForURL(/la=332/), page.getByRole('button', { name: 'Compare' }).click()])
      await checkA11y(page)
      assert.match(page.url(), /compare=333/)

      const caseload = page.locator('#table-caseload')
      assert.ok(await caseload.getByRole('cell', { name: '3,628' }).isVisible())
      assert.ok(await caseload.getByRole('cell', { name: '638,745' }).isVisible())
      const headers = await caseload.locator('thead th').allTextContents()
      assert.deepEqual(headers, ['Year', 'Dudley', 'West Midlands', 'England', 'Sandwell'])
      assert.ok(await page.locator('#table-timeliness-excl').getByRole('cell', { name: '52.3' }).isVisible())
      assert.equal(await page.locator('svg[role="img"][aria-labelledby="caption-caseload"]').count(), 1)

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: /^CSV\W+EHC plans at January$/ }).click(),
      ])
      assert.equal(download.suggestedFilename(), 'benchmarking-caseload-332.csv')
      const file = fs.readFileSync((await download.path())!, 'utf8')
      assert.match(file, /^Year,Dudley \(332\),West Midlands \(E12000005\),England \(E92000001\),Sandwell \(333\)/)
      assert.match(file, /January 2025,3805,[\d.]+,638745,\d+/)
      await checkA11y(page)

      // The admin's import page lists what is loaded.
      const admin = await e.newContext()
      const adminPage = await admin.newPage()
      await signIn(adminPage, 'admin')
      await visit(adminPage, '/insight/published')
      assert.ok(await adminPage.getByRole('cell', { name: 'timeliness_20_week.csv' }).isVisible())
    },
  )
})
