import assert from 'node:assert/strict'
import fs from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000

let e: E2E
before(async () => {
  e = await startE2E()
})
after(() => e?.close())

async function clickThrough(page: Page, control: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), control.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

async function setYears(page: Page, rule: RegExp, years: string) {
  await visit(page, '/admin/retention')
  await clickThrough(page, page.getByRole('link', { name: rule }))
  await page.getByLabel("Years from the child's date of birth").fill(years)
  await clickThrough(page, page.getByRole('button', { name: 'Save the rule' }))
}

describe('retention journey', () => {
  it(
    'an LA admin shortens the rules, holds one child, disposes of another, and exports a child’s records',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await (await e.newContext({ acceptDownloads: true })).newPage()
      await signIn(page, 'admin')
      await visit(page, '/')
      await clickThrough(
        page,
        page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Retention' }),
      )
      assert.equal(here(page), '/admin/retention')
      assert.match(await page.getByRole('table', { name: 'Rules in force' }).innerText(), /EHC casework[^\n]*\t25/)

      // A bad number is refused with the error summary, keeping what was typed.
      await clickThrough(page, page.getByRole('link', { name: /the rule for EHC casework/ }))
      await page.getByLabel("Years from the child's date of birth").fill('ten')
      await clickThrough(page, page.getByRole('button', { name: 'Save the rule' }))
      assert.ok(await page.getByRole('alert').getByText('Enter the number of years').isVisible())
      assert.equal(await page.getByLabel("Years from the child's date of birth").inputValue(), 'ten')

      // Today is 2026-11-23: at 14 years Dev (born 2011) and Cara (2012) are due.
      await setYears(page, /the rule for EHC casework/, '14')
      await setYears(page, /the rule for Top-up funding/, '14')
      await setYears(page, /the rule for The child's details/, '14')
      assert.equal(here(page), '/admin/retention')

      await clickThrough(page, page.getByRole('link', { name: 'Legal holds' }).first())
      await clickThrough(page, page.getByRole('button', { name: 'Place the hold' }))
      assert.ok(await page.getByRole('alert').getByText("Enter the child's LA reference or UPN").isVisible())
      await page.getByLabel("Child's LA reference or UPN").fill('F0003')
      await page.getByLabel('Reason for the hold').fill('Tribunal appeal pending')
      await clickThrough(page, page.getByRole('button', { name: 'Place the hold' }))
      assert.match(await page.locator('main').innerText(), /Cara Rowan \(F0003\)[\s\S]*Tribunal appeal pending/)

      await clickThrough(page, page.getByRole('link', { name: 'Due for disposal' }).first())
      const due = await page.getByRole('table', { name: 'Children with records due' }).innerText()
      assert.match(due, /F0003[^]*?\tOn hold/)
      assert.match(due, /F0004[^]*?\tNone/)

      await clickThrough(page, page.getByRole('button', { name: 'Check what disposal would do' }))
      assert.match(
        await page.locator('main').innerText(),
        /1 child would have records disposed of; 1 kept on legal hold/,
      )
      await visit(page, '/admin/retention/due')
      await clickThrough(page, page.getByRole('button', { name: 'Dispose of these records' }))
      assert.match(await page.locator('main').innerText(), /1 child had records disposed of; 1 kept on legal hold/)

      await visit(page, '/admin/retention/due')
      assert.doesNotMatch(await page.locator('main').innerText(), /F0004/)

      // The subject-access export: an unknown reference is refused, a known one downloads.
      await visit(page, '/admin/subject-access')
      await checkA11y(page)
      await page.getByLabel("Child's LA reference or UPN").fill('NOPE1')
      await clickThrough(page, page.getByRole('button', { name: 'Download the export' }))
      assert.ok(await page.getByRole('alert').getByText('No child has that LA reference or UPN').isVisible())
      await page.getByLabel("Child's LA reference or UPN").fill('F0003')
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download the export' }).click(),
      ])
      assert.equal(download.suggestedFilename(), 'subject-access.json')
      const document = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as {
        tables: Record<string, { first_name?: string }[]>
      }
      assert.equal(document.tables.child![0]!.first_name, 'Cara')
      assert.ok(document.tables.legal_hold!.length === 1)
    },
  )
})
