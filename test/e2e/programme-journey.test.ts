import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { loadBudgetDemo } from '../../src/planning/budget-demo.ts'
import { loadProgrammeDemo } from '../../src/programme/demo.ts'
import { LA, TODAY } from '../support/fixture.ts'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000

let e: E2E
before(async () => {
  e = await startE2E()
  await loadBudgetDemo(e.t.database.db, LA, TODAY)
  await loadProgrammeDemo(e.t.database.db, LA, TODAY)
})
after(() => e?.close())

async function clickThrough(page: Page, control: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), control.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('programme journey', () => {
  it(
    'a SEND manager completes an action and changes a RAG status; the counts, the history and the scrutiny report follow',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await (await e.newContext()).newPage()
      await signIn(page, 'manager')
      await visit(page, '/')
      await clickThrough(
        page,
        page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Programme' }),
      )
      assert.equal(here(page), '/programme')
      assert.match(
        await page.locator('#wsoa-progress').innerText(),
        /132 actions: 114 completed, 18 in progress and 0 not started/,
      )

      // An area with actions in progress, then one of those actions.
      const areas = page.getByRole('table', { name: /Progress by priority area/ })
      await clickThrough(page, areas.getByRole('link', { name: /^2\. / }))
      const inProgress = page.getByRole('row').filter({ hasText: 'In progress' }).first()
      await clickThrough(page, inProgress.getByRole('link'))
      assert.match(here(page), /^\/programme\/actions\/[0-9a-f-]{36}$/)
      await page.getByLabel('Completed').check()
      await clickThrough(page, page.getByRole('button', { name: 'Save the action' }))
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter the date the action was completed/)
      await page.getByLabel('Completion date').fill(TODAY)
      await page.getByLabel('Evidence notes').fill('Moderation audit: levels agreed in 9 of 10 sampled cases')
      await clickThrough(page, page.getByRole('button', { name: 'Save the action' }))
      assert.match(here(page), /^\/programme\/areas\//)
      assert.match(await page.locator('#area-progress').innerText(), /completed, 2 in progress/)

      await visit(page, '/programme')
      assert.match(await page.locator('#wsoa-progress').innerText(), /115 completed, 17 in progress/)
      await clickThrough(page, page.getByRole('link', { name: '1.1 Commissioning of Genuine Partnerships' }))
      await page.getByLabel('At risk').check()
      await clickThrough(page, page.getByRole('button', { name: 'Save the plan item' }))
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Say why the RAG status has changed/)
      await page.getByLabel('Why the RAG status has changed').fill('A partner left the co-production charter')
      await clickThrough(page, page.getByRole('button', { name: 'Save the plan item' }))
      assert.match(
        await page.getByRole('table', { name: 'Changes of RAG status' }).innerText(),
        /On track to At risk\s+Test Manager\s+A partner left the co-production charter/,
      )

      await visit(page, '/insight/scrutiny')
      await checkA11y(page)
      const report = await page.locator('main').innerText()
      assert.match(report, /115 completed, 17 in progress and 0 not started/)
      assert.match(report, /1\.1 worse/)
      assert.match(
        await page.getByRole('table', { name: /Delivering Better Value plan items/ }).innerText(),
        /1\.1 Commissioning of Genuine Partnerships\s+At risk\s+On track\s+Worse/,
      )
    },
  )

  it('the import and export page passes axe and lists problems by line', { timeout: TEST_TIMEOUT }, async () => {
    const page = await (await e.newContext()).newPage()
    await signIn(page, 'manager')
    await visit(page, '/programme/import')
    await checkA11y(page)
    await page.getByLabel('Actions').check()
    await page.getByLabel('CSV or Excel file').setInputFiles({
      name: 'actions.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('ref,area,description,owner,due_date,status\n1.1,1,,Owner,2026-01-01,in_progress\n'),
    })
    await clickThrough(page, page.getByRole('button', { name: 'Import file' }))
    assert.match(
      await page.locator('.govuk-error-summary').innerText(),
      /Line 2, column description: Enter what the action is/,
    )
  })
})
