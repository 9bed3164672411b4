import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { checkA11y, here, signIn, startE2E, type E2E } from './support.ts'

const TEST_TIMEOUT = 90_000

let e: E2E
before(async () => {
  e = await startE2E()
})
after(() => e?.close())

async function clickThrough(page: Page, button: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), button.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('funding matrix journey', () => {
  it(
    'a SENCo completes a matrix with JavaScript off: Calculate shows the level and £, then they submit',
    { timeout: TEST_TIMEOUT },
    async () => {
      const context = await e.newContext({ javaScriptEnabled: false })
      const page = await context.newPage()
      await signIn(page, 'senco.a')
      const { ada } = e.t.fixture.children
      await page.goto(`/children/${ada}`)
      await checkA11y(page)
      await page.getByRole('heading', { name: 'Funding' }).waitFor()

      await clickThrough(page, page.getByRole('button', { name: 'Complete a funding matrix' }))
      assert.equal(here(page), `/children/${ada}/awards/${e.t.fixture.awards.ada}`)

      const ci = page.getByRole('group', { name: 'Communication and interaction' })
      await ci.getByLabel('Needs visual support through the day (3 points)').check()
      await page.getByLabel('Evidence for Communication and interaction').fill('Speech and language report')
      const cl = page.getByRole('group', { name: 'Cognition and learning' })
      await cl.getByLabel('Working slightly below age-related expectations (1 point)').check()
      await page.getByLabel('Evidence for Cognition and learning').fill('Teacher assessment')

      await clickThrough(page, page.getByRole('button', { name: 'Calculate' }))
      const calculation = page.locator('#calculation')
      assert.match(await calculation.innerText(), /Level 2/)
      assert.match(await calculation.innerText(), /£4,320\.00/)

      await clickThrough(page, page.getByRole('button', { name: 'Submit for agreement' }))
      assert.equal(here(page), `/children/${ada}/awards/${e.t.fixture.awards.ada}`)
      await page.getByText('Submitted', { exact: true }).first().waitFor()
    },
  )
})
