import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Locator, Page } from 'playwright-core'
import { loadDisputeFixture, type DisputeFixture } from '../support/dispute-fixture.ts'
import { checkA11y, here, signIn, startE2E, visit, type E2E } from './support.ts'

const TEST_TIMEOUT = 120_000

let e: E2E
let d: DisputeFixture
before(async () => {
  e = await startE2E()
  d = await loadDisputeFixture(e.t.database.db, e.t.fixture)
})
after(() => e?.close())

/** Follows a link or submits a form, then checks the page it leads to with axe. */
async function go(page: Page, target: Locator) {
  await Promise.all([page.waitForEvent('framenavigated'), target.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('disagreements and complaints journey', () => {
  it(
    'a case officer records a Section I appeal and its order, then logs a complaint and responds',
    { timeout: TEST_TIMEOUT },
    async () => {
      const context = await e.newContext()
      const page = await context.newPage()
      await signIn(page, 'officer')
      const ada = e.t.fixture.children.ada

      // From Ada's record: a Section I-only appeal, with no mediation. Today is 2026-11-23.
      await visit(page, `/children/${ada}`)
      await page.getByRole('heading', { name: 'Disagreements and appeals' }).waitFor()
      await go(page, page.getByRole('button', { name: 'Record a tribunal appeal' }))
      assert.equal(here(page), `/children/${ada}/appeals/new`)
      await page.getByLabel('The content of an amended EHC plan').check()
      await page.getByLabel('Date of the decision (when there was no mediation)').fill('2026-08-31')
      await page.getByLabel('Date the appeal was registered').fill('2026-10-20')
      await page.getByLabel('Section I (the school or setting named)', { exact: true }).check()
      await go(page, page.getByRole('button', { name: 'Record the appeal' }))
      assert.match(here(page), /^\/casework\/appeals\//)
      const deadline = page.getByRole('table', { name: 'Deadline to appeal' })
      assert.match(await deadline.innerText(), /31 October 2026/)
      await page.getByText('Not needed: Section I only').waitFor()

      // The Tribunal orders the school named: the R15 compliance deadline, 2 weeks from the order.
      await page.getByLabel('Hearing date').fill('2026-11-10')
      await page.getByLabel('Upheld (order made)').check()
      await page.getByLabel('Date of the Tribunal’s decision or the LA’s concession').fill('2026-11-16')
      await page.getByLabel('Name a school or setting (Section I only)').check()
      await go(page, page.getByRole('button', { name: 'Save the appeal' }))
      const compliance = page.locator('#compliance')
      assert.match(await compliance.innerText(), /Complying with the Tribunal’s order \(R15\), from 16 November 2026/)
      assert.match(await compliance.innerText(), /30 November 2026/)
      assert.match(await compliance.innerText(), /Due in 7 days/)

      // The open list shows it with the fixture's cases.
      await go(page, page.getByRole('link', { name: 'Disagreements and appeals' }).first())
      assert.equal(here(page), '/casework/disputes')
      const open = page.locator('#open-disputes')
      assert.match(await open.innerText(), /Ada Quill/)
      assert.match(await open.innerText(), /Cara Rowan/)
      await visit(page, `/casework/mediation/${d.mediations.cara}`)
      await page.getByRole('table', { name: 'Deadlines for this mediation case' }).waitFor()
      await visit(page, `/children/${ada}/mediation/new`)

      // A complaint about Ada, then the response.
      await visit(page, '/casework/complaints')
      await page.getByLabel('Date the complaint was received').fill('2026-11-18')
      await page.getByLabel('What the complaint is about').fill('The draft plan was sent to an old address.')
      await page.getByLabel('Child ID, if it is about a child (optional)').fill('F0001')
      await go(page, page.getByRole('button', { name: 'Log the complaint' }))
      assert.match(here(page), /^\/casework\/complaints\//)
      // 18 November + 20 working days.
      await page.getByText('16 December 2026').waitFor()
      await page.getByLabel('Date of the response').fill('2026-11-23')
      await page.getByLabel('Upheld', { exact: true }).check()
      await go(page, page.getByRole('button', { name: 'Record the response' }))
      assert.match(await page.locator('#complaint-status').innerText(), /Responded on time/)
      await page.getByRole('heading', { name: 'Escalate to Stage 2' }).waitFor()

      // A refused form passes axe too, with its error summary.
      await page.getByRole('button', { name: 'Escalate to Stage 2' }).click()
      await page.waitForLoadState()
      await page.getByText('There is a problem').waitFor()
      await checkA11y(page)

      await visit(page, `/casework/complaints/${d.complaints.stage2of2025}`)
      await visit(page, '/casework/complaints')
      assert.match(await page.locator('#complaints').innerText(), /The draft plan was sent to an old address/)
    },
  )
})
