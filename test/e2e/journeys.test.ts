import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { checkA11y, here, signIn, signOut, startE2E, visit, type E2E } from './support.ts'

const SCREENSHOT = '/tmp/opensend-child.png'
const TEST_TIMEOUT = 90_000

let e: E2E
before(async () => {
  e = await startE2E()
})
after(() => e?.close())

async function newPage(options = {}): Promise<Page> {
  const context = await e.newContext(options)
  return context.newPage()
}

async function clickThrough(page: Page, link: ReturnType<Page['getByRole']>) {
  await Promise.all([page.waitForEvent('framenavigated'), link.click()])
  await page.waitForLoadState()
  await checkA11y(page)
}

describe('browser journeys', () => {
  it(
    'a case officer finds a child, opens the record and the school, and signs out',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await newPage()
      await signIn(page, 'officer')
      await clickThrough(
        page,
        page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Children' }),
      )
      assert.equal(here(page), '/children')

      await page.getByLabel('Name, UPN or child ID').fill('ada qui')
      await clickThrough(page, page.getByRole('button', { name: 'Search' }))
      assert.equal(here(page), '/children')
      await page.getByText('1 child found').waitFor()

      await clickThrough(page, page.getByRole('link', { name: 'Quill, Ada' }))
      assert.equal(here(page), `/children/${e.t.fixture.children.ada}`)
      assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Ada Quill/)
      await page.screenshot({ path: SCREENSHOT, fullPage: true })

      await clickThrough(page, page.getByRole('link', { name: 'Alder Primary School' }))
      assert.equal(here(page), `/settings/${e.t.fixture.settings.schoolA}`)
      assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Alder Primary School/)

      await signOut(page)
      await page.goto('/children')
      assert.equal(here(page), '/sign-in', 'a signed-out browser is sent back to sign in')
    },
  )

  it(
    'a SENCo sees only their own pupils and gets the not-found page for another school’s child',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await newPage()
      await signIn(page, 'senco.a')
      await visit(page, '/children')
      const names = await page.locator('table tbody tr td:first-child').allInnerTexts()
      // Ada and Ben attend Alder; Cara has left it, Dev and Eve are elsewhere.
      assert.deepEqual(names.sort(), ['Quill, Ada', 'Quill, Ben'])

      await visit(page, `/children/${e.t.fixture.children.eve}`, 404)
      await page.getByRole('heading', { name: 'Page not found' }).waitFor()
      await visit(page, `/settings/${e.t.fixture.settings.schoolB}`, 404)
    },
  )

  it('an LA admin finds a denied attempt in the audit log', { timeout: TEST_TIMEOUT }, async () => {
    const senco = await newPage()
    await signIn(senco, 'senco.b')
    await visit(senco, `/children/${e.t.fixture.children.ada}`, 404)

    const page = await newPage()
    await signIn(page, 'admin')
    await clickThrough(
      page,
      page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Audit log' }),
    )
    await page.getByLabel('Outcome').selectOption('denied')
    await page.getByLabel('Record ID').fill(e.t.fixture.children.ada)
    await clickThrough(page, page.getByRole('button', { name: 'Filter' }))
    const rows = await page.locator('table tbody tr').allInnerTexts()
    assert.ok(
      rows.some(r => r.includes('senco.b') && r.includes('child.read') && r.includes('denied')),
      `No denied child.read by senco.b in:\n${rows.join('\n')}`,
    )
  })

  it('the search works without JavaScript', { timeout: TEST_TIMEOUT }, async () => {
    const page = await newPage({ javaScriptEnabled: false })
    await signIn(page, 'officer')
    await visit(page, '/children')
    await page.getByLabel('Name, UPN or child ID').fill('Rowan')
    await clickThrough(page, page.getByRole('button', { name: 'Search' }))
    await clickThrough(page, page.getByRole('link', { name: 'Rowan, Cara' }))
    assert.equal(here(page), `/children/${e.t.fixture.children.cara}`)
  })

  it(
    'a finance officer opens Funding, reads a matrix version and sees a broken one’s problems listed',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await newPage()
      await signIn(page, 'finance')
      await clickThrough(
        page,
        page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Funding', exact: true }),
      )
      assert.equal(here(page), '/funding/versions')

      await clickThrough(page, page.getByRole('link', { name: 'Test matrix 2026' }))
      assert.equal(here(page), `/funding/versions/${e.t.fixture.versions.draft}`)
      await page.getByRole('table', { name: 'Financial year 2026-27' }).waitFor()
      assert.match(await page.getByRole('table', { name: 'Financial year 2026-27' }).innerText(), /£4,320\.00/)

      await visit(page, '/funding/versions/new')
      await page.getByLabel('Name').fill('Broken draft')
      await page.getByLabel('Matrix version as JSON').fill('{ "name": "Broken", "areas": [] }')
      await clickThrough(page, page.getByRole('button', { name: 'Save draft' }))
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor()
      assert.ok((await page.title()).startsWith('Error:'))
      assert.match(await page.locator('.govuk-error-summary').innerText(), /areas: /)
      assert.equal(await page.getByLabel('Name').inputValue(), 'Broken draft')
    },
  )

  it(
    'shows the sign-in errors, the accessibility statement and the not-found page accessibly',
    { timeout: TEST_TIMEOUT },
    async () => {
      const page = await newPage()
      await visit(page, '/sign-in')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('heading', { name: 'There is a problem' }).waitFor()
      assert.equal(await page.title().then(t => t.startsWith('Error:')), true)
      await checkA11y(page)

      await visit(page, '/accessibility')
      await signIn(page, 'officer')
      await visit(page, '/no-such-page', 404)
    },
  )
})
