import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { after, before, describe, it } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { parseXml, allNamed } from '../../src/insight/rules/sen2-xml.ts'
import { LA } from '../support/fixture.ts'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000

// Today is 2026-11-23. Cara's plan, issued in June 2025 from a request made in February 2025, is in
// force on the January 2026 census; she has no UPN, which the validation report lists as an error.

let e: E2E
before(async () => {
  e = await startE2E()
  const { db } = e.t.database
  const f = e.t.fixture
  const officer = f.users.officer!
  const { id: requestId } = await db
    .insertInto('ehc_request')
    .values({
      la_code: LA,
      child_id: f.children.cara,
      officer_id: officer,
      source: 'school',
      received_via: 'email',
      arrived_on: '2025-02-03',
      received_on: '2025-02-03',
      decision: 'assess',
      decision_on: '2025-03-10',
      outcome: 'issue_plan',
      outcome_on: '2025-05-12',
      draft_sent_on: '2025-05-19',
      created_by: officer,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const { id: planId } = await db
    .insertInto('ehc_plan')
    .values({
      la_code: LA,
      child_id: f.children.cara,
      request_id: requestId,
      issued_on: '2025-06-16',
      named_setting_id: f.settings.schoolB,
      created_by: officer,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.insertInto('ehc_plan_need').values({ la_code: LA, plan_id: planId, rank: 1, need_code: 'SEMH' }).execute()
  await db
    .updateTable('ehc_request')
    .set({ final_issued_on: '2025-06-16', plan_id: planId })
    .where('id', '=', requestId)
    .execute()
})
after(() => e?.close())

async function go(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent('framenavigated'), target.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('SEN2 return journey', () => {
  it(
    'a SEND manager makes the January 2026 return, reads the validation report and downloads the XML',
    { timeout: TEST_TIMEOUT },
    async () => {
      const context = await e.newContext()
      const page = await context.newPage()
      await signIn(page, 'manager')
      await visit(page, '/insight/sen2')
      await page.getByRole('heading', { name: 'SEN2 return', level: 1 }).waitFor()

      await page.getByLabel('Reference date').fill('2026-01-15')
      await go(page, page.getByRole('button', { name: 'Make the return' }))
      assert.equal(here(page), '/insight/sen2?date=2026-01-15')
      assert.match(await page.locator('#sen2-summary').innerText(), /1 in force on the reference date/)
      await page.getByRole('heading', { name: 'Validation report' }).waitFor()
      assert.match(await page.locator('#sen2-validation-counts').innerText(), /1 error/)
      const issues = await page.locator('#sen2-issues').innerText()
      assert.match(issues, /L-P6/)
      assert.match(issues, /Cara Rowan \(F0003\)/)

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'XML for COLLECT' }).click(),
      ])
      assert.equal(download.suggestedFilename(), 'sen2-2026-01-15.xml')
      const path = await download.path()
      const xml = await readFile(path, 'utf8')
      assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>/)
      const root = parseXml(xml)
      assert.equal(root.name, 'Message')
      assert.equal(allNamed(root, 'Person').length, 1)
      // The download leaves the report page as it was (axe checked it above); the link keeps its focus style.

      // A reference date that is not a date: the error summary, still accessible.
      await page.getByLabel('Reference date').fill('15/01/2026')
      await go(page, page.getByRole('button', { name: 'Make the return' }))
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor()
      await context.close()
    },
  )
})
