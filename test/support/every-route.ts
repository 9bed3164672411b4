import { loadBudgetDemo } from '../../src/planning/budget-demo.ts'
import { loadProgrammeDemo } from '../../src/programme/demo.ts'
import { startTestApp, type TestApp } from './app.ts'
import { loadCaseworkFixture } from './casework-fixture.ts'
import { loadDisputeFixture } from './dispute-fixture.ts'
import { LA, loadModerationFixture, TODAY } from './fixture.ts'
import { loadReviewFixture } from './review-fixture.ts'

/**
 * The app with every record a route in test/authorisation-table.ts names (its PARAMS): the tests that
 * request every route (authorisation, fuzzing) start from this.
 */
export async function startAppForEveryRoute(): Promise<TestApp> {
  const t = await startTestApp()
  await loadModerationFixture(t.database.db, t.fixture)
  await loadCaseworkFixture(t.database.db, t.fixture)
  await loadReviewFixture(t.database.db, t.fixture)
  await loadDisputeFixture(t.database.db, t.fixture)
  await loadBudgetDemo(t.database.db, LA, TODAY)
  t.fixture.programme = (await loadProgrammeDemo(t.database.db, LA, TODAY)).first
  return t
}
