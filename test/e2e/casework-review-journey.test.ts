import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { loadReviewFixture, type ReviewFixture } from '../support/review-fixture.ts'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000

let e: E2E
let r: ReviewFixture
before(async () => {
  e = await startE2E()
  r = await loadReviewFixture(e.t.database.db, e.t.fixture)
})
after(() => e?.close())

/** Follows a link or submits a form, then checks the page it leads to with axe. */
async function go(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent('framenavigated'), target.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('annual review journey', () => {
  it(
    'a case officer takes an overdue review through a decision to amend to the final amended plan',
    { timeout: TEST_TIMEOUT },
    async () => {
      const context = await e.newContext()
      const page = await context.newPage()
      await signIn(page, 'officer')

      // Today is 2026-11-23: Dev's review was due on 1 October and is overdue.
      await visit(page, '/casework/reviews')
      assert.match(await page.locator('#outstanding').innerText(), /1 annual review outstanding/)
      await go(page, page.getByRole('link', { name: 'Dev Sorrel', exact: true }))
      assert.equal(here(page), `/casework/plans/${r.plans.dev}`)
      await page.getByText('Cedar Special School').first().waitFor()

      await go(page, page.getByRole('link', { name: 'Continue the open review' }))
      assert.equal(here(page), `/casework/reviews/${r.reviews.devOpen}`)

      // The meeting and the invitations: the R7–R9 deadlines appear.
      await page.getByLabel('Date of the review meeting').fill('2026-11-02')
      await page.getByLabel('Date the invitations were sent').fill('2026-10-16')
      await go(page, page.getByRole('button', { name: 'Save the review' }))
      const clocks = page.getByRole('table', { name: 'Deadlines for this review' })
      assert.match(await clocks.innerText(), /16 November 2026/)
      assert.match(await clocks.innerText(), /30 November 2026/)

      // The report, then the decision to amend.
      await page.getByLabel('Date the review report was received').fill('2026-11-09')
      await page.getByLabel('Amend the plan').check()
      await page.getByLabel('Date of the decision letter').fill('2026-11-12')
      await go(page, page.getByRole('button', { name: 'Save the review' }))
      await page.getByText('Decided: amend').first().waitFor()

      // Proposed amendments sent: the amendment's page, with its R10 clocks.
      await page.getByLabel('Date the proposed amendments were sent').fill('2026-11-12')
      await page.getByLabel('Summary of the proposed amendments').fill('Name Birch Academy from January.')
      await go(page, page.getByRole('button', { name: 'Record the proposed amendments' }))
      assert.match(here(page), /^\/casework\/amendments\//)
      await page.getByText('they have until 26 November 2026 (15 days)').waitFor()

      await page.getByLabel('Date the family’s comments were received').fill('2026-11-18')
      await go(page, page.getByRole('button', { name: 'Save the comments' }))
      await page.getByText('received 18 November 2026').waitFor()

      // The final amended plan naming a new setting.
      await page.getByLabel('Date the final amended plan was issued').fill('2026-11-20')
      await page.getByLabel('School or setting named (Section I)').selectOption({ label: 'Birch Academy' })
      await go(page, page.getByRole('button', { name: 'Issue the final amended plan' }))
      const changes = page.getByRole('table', { name: 'Each part of the plan before and after the amendment' })
      assert.match(await changes.innerText(), /Cedar Special School\s+Birch Academy/)

      // The plan record shows the new setting and the amendment history.
      await go(page, page.getByRole('link', { name: 'Back to the plan' }))
      assert.equal(here(page), `/casework/plans/${r.plans.dev}`)
      const history = page.locator('.govuk-summary-card').first()
      assert.match(await history.innerText(), /from “Cedar Special School” to “Birch Academy”/)
      assert.match(await history.innerText(), /Issued 20 November 2026/)

      // The decision letter, with the appeal rights.
      await go(page, page.getByRole('link', { name: 'Read the latest review decision letter' }))
      await page.getByRole('heading', { name: 'Your right to mediation and to appeal' }).waitFor()

      // The other casework pages pass axe too: the child record's plan section, cessation, phase transfers.
      await visit(page, `/children/${e.t.fixture.children.dev}`)
      await page.getByRole('heading', { name: 'EHC plan', exact: true }).waitFor()
      await visit(page, `/casework/plans/${r.plans.dev}/cessation`)
      await page.getByRole('group', { name: 'Reason (SEN2)' }).waitFor()
      await visit(page, '/casework/phase-transfers?year=2027')
      await visit(page, `/children/${e.t.fixture.children.ada}/plans/new`)
    },
  )
})
