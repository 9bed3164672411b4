import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000

let e: E2E
before(async () => {
  e = await startE2E()
})
after(() => e?.close())

async function clickThrough(page: Page, target: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), target.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

/** One of the request page's forms, found by where it posts. */
const form = (page: Page, action: string) => page.locator(`form[action$="/${action}"]`)

describe('EHC needs assessment journey', () => {
  it(
    'a case officer logs a request from the child record and takes it to a final plan and its letter',
    { timeout: TEST_TIMEOUT },
    async () => {
      const context = await e.newContext()
      const page = await context.newPage()
      await signIn(page, 'officer')
      await visit(page, '/children')
      await page.getByLabel('Name, UPN or child ID').fill('ben qui')
      await clickThrough(page, page.getByRole('button', { name: 'Search' }))
      await clickThrough(page, page.getByRole('link', { name: 'Quill, Ben' }))
      const { ben } = e.t.fixture.children
      assert.equal(here(page), `/children/${ben}`)
      await page.getByRole('heading', { name: 'Casework' }).waitFor()

      // Emailed at 17:30 on Friday 20 November: received on Monday 23 November, the fixture's today.
      await clickThrough(page, page.getByRole('button', { name: 'Log a request for an EHC needs assessment' }))
      await page.getByLabel('Parent', { exact: true }).check()
      await page.getByLabel('Email', { exact: true }).check()
      await page.getByLabel('Date it arrived').fill('2026-11-20')
      await page.getByLabel('Time it arrived (optional)').fill('17:30')
      await clickThrough(page, page.getByRole('button', { name: 'Log the request' }))
      assert.match(here(page), /^\/casework\/requests\/[0-9a-f-]{36}$/)
      const requestPath = here(page)
      assert.match(await page.locator('.govuk-summary-list').first().innerText(), /23 November 2026/)
      assert.match(await page.locator('#clock-R1').innerText(), /4 January 2027/)
      assert.match(await page.locator('#clock-R5').innerText(), /12 April 2027/)

      // No date: the error summary, and the choice kept.
      const decision = form(page, 'decision')
      await decision.getByLabel('Assess', { exact: true }).check()
      await clickThrough(page, decision.getByRole('button', { name: 'Record the decision' }))
      await page.getByRole('link', { name: 'Enter the date of the decision' }).waitFor()
      assert.ok(await decision.getByLabel('Assess', { exact: true }).isChecked())
      await decision.getByLabel('Date of the decision').fill('2026-11-23')
      await clickThrough(page, decision.getByRole('button', { name: 'Record the decision' }))
      assert.match(await page.locator('#clock-R1').innerText(), /Done on time/)

      const advice = form(page, 'advice')
      await advice.getByLabel('Advice from').selectOption({ label: 'Educational psychologist' })
      await advice.getByLabel('Name (optional)').fill('Dr Example')
      await advice.getByLabel('Date asked for').fill('2026-11-23')
      await clickThrough(page, advice.getByRole('button', { name: 'Add the advice request' }))
      const receipt = page.locator('form[action$="/receipt"]')
      await receipt.getByLabel(/Date received/).fill('2026-11-23')
      await clickThrough(page, receipt.getByRole('button', { name: /Record receipt/ }))
      assert.equal(await page.locator('form[action$="/receipt"]').count(), 0, 'the advice is received')

      const outcome = form(page, 'outcome')
      await outcome.getByLabel('Issue a plan').check()
      await outcome.getByLabel('Date of the decision').fill('2026-11-23')
      await clickThrough(page, outcome.getByRole('button', { name: 'Record the outcome' }))

      const draft = form(page, 'draft')
      await draft.getByLabel('Date the draft was sent').fill('2026-11-23')
      await draft.getByLabel('The family’s preferred setting').selectOption({ label: 'Alder Primary School' })
      await draft.getByLabel(/comments were received/).fill('2026-11-23')
      await clickThrough(page, draft.getByRole('button', { name: 'Save the draft plan details' }))
      assert.match(await page.locator('#clock-R4').innerText(), /Comments received/)

      const consultation = form(page, 'consultations')
      await consultation.getByLabel('Setting consulted').selectOption({ label: 'Alder Primary School' })
      await consultation.getByLabel('Date the consultation was sent').fill('2026-11-23')
      await clickThrough(page, consultation.getByRole('button', { name: 'Add the consultation' }))
      const response = page.locator('form[action$="/response"]')
      await response.getByLabel('Can meet the needs').check()
      await response.getByLabel(/Date answered/).fill('2026-11-23')
      await clickThrough(page, response.getByRole('button', { name: /Record the answer/ }))

      const final = form(page, 'final')
      await final.getByLabel('Date the final plan was issued').fill('2026-11-23')
      await final.getByLabel('Primary need (Section B)').selectOption('SPLD')
      assert.equal(await final.getByLabel('Setting named (Section I)').inputValue(), e.t.fixture.settings.schoolA)
      await final.getByLabel('Summary of the provision (Section F)').fill('Weekly specialist teaching.')
      await clickThrough(page, final.getByRole('button', { name: 'Issue the final plan' }))
      assert.equal(here(page), requestPath)
      assert.match(await page.locator('#clock-R5').innerText(), /Done on time/)
      await page.getByRole('link', { name: 'View the plan and its reviews' }).waitFor()

      await clickThrough(page, page.getByRole('link', { name: 'Final plan issued letter' }))
      assert.equal(here(page), `${requestPath}/letters/final-plan`)
      const letter = await page.locator('main').innerText()
      assert.match(letter, /Alder Primary School/)
      assert.match(letter, /First-tier Tribunal \(Special Educational Needs and Disability\)/)
      assert.match(letter, /23 January 2027/)
      await visit(page, requestPath)
      await visit(page, '/casework/requests')
    },
  )

  it('the LA admin keeps the non-working days the clocks count with', { timeout: TEST_TIMEOUT }, async () => {
    const context = await e.newContext()
    const page = await context.newPage()
    await signIn(page, 'admin')
    await visit(page, '/casework/non-working-days')
    await page.getByLabel('Date').fill('2026-12-29')
    await page.getByLabel('Name').fill('Council closure day')
    await clickThrough(page, page.getByRole('button', { name: 'Add the day' }))
    await page.getByRole('cell', { name: 'Council closure day' }).waitFor()
    await page.getByLabel('Date').fill('2026-12-29')
    await page.getByLabel('Name').fill('Again')
    await clickThrough(page, page.getByRole('button', { name: 'Add the day' }))
    await page.getByRole('link', { name: /already a non-working day/ }).waitFor()
  })
})
