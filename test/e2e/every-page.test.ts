import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ROLES } from '../../src/platform/actor.ts'
import { USERS } from '../authorisation-table.ts'
import { loadCaseworkFixture } from '../support/casework-fixture.ts'
import { loadDisputeFixture } from '../support/dispute-fixture.ts'
import { LA, loadModerationFixture, TODAY } from '../support/fixture.ts'
import { loadBudgetDemo } from '../../src/planning/budget-demo.ts'
import { loadProgrammeDemo } from '../../src/programme/demo.ts'
import { loadPlanningFixture } from '../support/planning-fixture.ts'
import { loadReviewFixture } from '../support/review-fixture.ts'
import { signIn, startE2E, visit, type E2E } from './support.ts'

// Every page each role can reach by following links passes axe — with every area's fixture loaded, so
// the pages are crawled with records on them (panels and cases, requests, plans, reviews, disputes),
// not as empty lists.

const PAGES_PER_ROLE = 45
const TEST_TIMEOUT = 180_000

let e: E2E
before(async () => {
  e = await startE2E()
  const { db } = e.t.database
  await loadModerationFixture(db, e.t.fixture)
  await loadCaseworkFixture(db, e.t.fixture)
  await loadReviewFixture(db, e.t.fixture)
  await loadDisputeFixture(db, e.t.fixture)
  await loadPlanningFixture(db, e.t.fixture)
  await loadBudgetDemo(db, LA, TODAY)
  await loadProgrammeDemo(db, LA, TODAY)
})
after(() => e?.close())

describe('every page each role can reach from the navigation passes axe', () => {
  for (const role of ROLES) {
    it(`as ${role}`, { timeout: TEST_TIMEOUT }, async () => {
      const page = await (await e.newContext()).newPage()
      await signIn(page, USERS[role])
      const origin = new URL(e.baseUrl).origin
      // Same-origin GET links only: the navigation, each area's row of links, the first link in each
      // table and each summary list of each page. Downloads and sign-out are not pages.
      const sameOrigin = (hrefs: (string | null)[]) =>
        hrefs
          .filter((h): h is string => Boolean(h))
          .map(h => new URL(h, page.url()))
          .filter(u => u.origin === origin && !/(\.csv|\.xlsx|\.xml|download|format=)/.test(u.pathname + u.search))
          .map(u => u.pathname + u.search)
      const queue = sameOrigin(
        await page.locator('nav[aria-label="Main menu"] a').evaluateAll(as => as.map(a => a.getAttribute('href'))),
      )
      assert.ok(queue.length > 0, `${role} has no navigation`)
      const visited = new Set<string>()
      while (queue.length && visited.size < PAGES_PER_ROLE) {
        const path = queue.shift()!
        if (visited.has(path)) continue
        visited.add(path)
        await visit(page, path)
        const area = await page.locator('nav.app-section-nav a').evaluateAll(as => as.map(a => a.getAttribute('href')))
        const firsts = await page
          .locator('main table, main .govuk-summary-list')
          .evaluateAll(blocks => blocks.map(b => b.querySelector('a')?.getAttribute('href') ?? null))
        queue.push(...sameOrigin(area), ...sameOrigin(firsts))
      }
      assert.ok(visited.size >= 2, `${role} reached only ${[...visited].join(', ')}`)
    })
  }
})
