import type { Config } from './config.ts'
import { bandWeb } from './funding/band-web.ts'
import { LegacyImportService } from './funding/legacy-import.ts'
import { legacyWeb } from './funding/legacy-web.ts'
import { TransitionService } from './funding/transition.ts'
import { transitionWeb } from './funding/transition-web.ts'
import { BandService } from './funding/bands.ts'
import { fundingRunWeb } from './funding/run-web.ts'
import { FundingRunService } from './funding/runs.ts'
import { WhatIfService } from './funding/what-if-service.ts'
import { whatIfWeb } from './funding/what-if-web.ts'
import { awardWeb } from './funding/award-web.ts'
import { CaseworkRequestService } from './casework/request-service.ts'
import { requestWeb } from './casework/request-web.ts'
import { PlanService } from './casework/plan-service.ts'
import { planWeb } from './casework/plan-web.ts'
import { ReviewService } from './casework/review-service.ts'
import { reviewWeb } from './casework/review-web.ts'
import { DisputeService } from './casework/dispute-service.ts'
import { disputeWeb } from './casework/dispute-web.ts'
import { MeasuresService } from './casework/measures-service.ts'
import { QueueService } from './casework/queue-service.ts'
import { queueWeb } from './casework/queue-web.ts'
import { AwardService } from './funding/awards.ts'
import { FundingService } from './funding/service.ts'
import { fundingWeb } from './funding/web.ts'
import { BenchmarkService } from './insight/benchmark.ts'
import { benchmarkWeb } from './insight/benchmark-web.ts'
import { PublishedImportService } from './insight/published-import.ts'
import { DashboardService } from './insight/dashboard.ts'
import { dashboardWeb } from './insight/dashboard-web.ts'
import { ScrutinyService } from './insight/scrutiny.ts'
import { Sen2Service } from './insight/sen2-service.ts'
import { sen2Web } from './insight/sen2-web.ts'
import { consistencyWeb } from './moderation/consistency-web.ts'
import { ConsistencyService } from './moderation/consistency.ts'
import { ModerationService } from './moderation/service.ts'
import { moderationWeb } from './moderation/web.ts'
import { AccountService } from './people/accounts.ts'
import { ImportService } from './people/import-service.ts'
import { importWeb } from './people/import-web.ts'
import { PeopleService } from './people/service.ts'
import { RetentionService } from './people/retention-service.ts'
import { retentionWeb } from './people/retention-web.ts'
import { SubjectAccessService } from './people/subject-access-service.ts'
import { signInWeb } from './people/sign-in-web.ts'
import { peopleWeb } from './people/web.ts'
import { ForecastService } from './planning/forecast-service.ts'
import { forecastWeb } from './planning/forecast-web.ts'
import { SufficiencyService } from './planning/sufficiency.ts'
import { ProgrammeService } from './programme/service.ts'
import { programmeWeb } from './programme/web.ts'
import { BudgetService } from './planning/budget-service.ts'
import { budgetWeb } from './planning/budget-web.ts'
import { ReserveService } from './planning/reserve-service.ts'
import { ClusterService } from './planning/cluster-service.ts'
import { clusterWeb } from './planning/cluster-web.ts'
import { auditWeb } from './platform/audit/web.ts'
import type { Database } from './platform/db/index.ts'
import { createApp } from './platform/http/app.ts'
import type { OidcClient } from './platform/http/oidc.ts'
import { platformWeb } from './platform/http/platform-web.ts'
import { Sessions } from './platform/http/session.ts'
import type { Clock } from './platform/time/clock.ts'

// The composition root: builds each area's service once and mounts its pages.
export function buildApp(deps: { config: Config; database: Database; clock: Clock; oidc?: OidcClient | null }) {
  const { config, database, clock } = deps
  const { db } = database
  const sessions = new Sessions(db, clock, {
    secureCookies: config.secureCookies,
    idleMinutes: config.sessionIdleMinutes,
  })
  const accounts = new AccountService(db, config.laCode)
  const people = new PeopleService(db, config.laCode, clock)
  const imports = new ImportService(db, config.laCode, clock)
  const funding = new FundingService(db, config.laCode, clock)
  const awards = new AwardService(db, config.laCode, clock)
  const dashboards = new DashboardService(db, config.laCode, clock)
  const forecasts = new ForecastService(db, config.laCode, clock)
  const programme = new ProgrammeService(db, config.laCode, clock, dashboards)
  const budget = new BudgetService(db, config.laCode, forecasts, new FundingRunService(db, config.laCode, clock))
  const app = createApp({
    config,
    database,
    sessions,
    loadActor: (userId, ip) => accounts.loadActor(userId, ip),
    modules: [
      platformWeb(database),
      signInWeb(config, accounts, sessions, deps.oidc ?? null),
      // Before peopleWeb: it adds the Funding section to the child record that peopleWeb renders.
      awardWeb(awards),
      // The casework home first, so 'Casework' leads the casework links in the nav.
      queueWeb(new QueueService(db, config.laCode, clock), new MeasuresService(db, config.laCode, clock)),
      // Before peopleWeb too: it adds the Casework section to the child record.
      requestWeb(new CaseworkRequestService(db, config.laCode, clock)),
      // Before peopleWeb as well: it adds the EHC plan section to the child record.
      planWeb(new PlanService(db, config.laCode, clock)),
      // Before peopleWeb: it adds the Disagreements and appeals section to the child record.
      disputeWeb(new DisputeService(db, config.laCode, clock)),
      peopleWeb(people, sessions),
      reviewWeb(new ReviewService(db, config.laCode, clock)),
      importWeb(config, imports, sessions),
      fundingWeb(funding),
      fundingRunWeb(new FundingRunService(db, config.laCode, clock)),
      whatIfWeb(new WhatIfService(db, config.laCode, clock)),
      bandWeb(new BandService(db, config.laCode)),
      legacyWeb(config, new LegacyImportService(db, config.laCode)),
      transitionWeb(new TransitionService(db, config.laCode, clock)),
      consistencyWeb(new ConsistencyService(db, config.laCode, clock)),
      moderationWeb(new ModerationService(db, config.laCode, clock)),
      // Insight: the dashboards first (they carry the 'Insight' header link), before any other insight module.
      dashboardWeb(dashboards, new ScrutinyService(db, config.laCode, clock, dashboards, programme, budget)),
      benchmarkWeb(new BenchmarkService(db, config.laCode), new PublishedImportService(db, config.laCode), sessions),
      sen2Web(new Sen2Service(db, config.laCode, clock)),
      // Planning: the forecast first (it carries the 'Planning' header link), before any other planning module.
      forecastWeb(forecasts, new SufficiencyService(db, config.laCode, forecasts)),
      budgetWeb(budget, new ReserveService(db, config.laCode)),
      clusterWeb(new ClusterService(db, config.laCode, clock)),
      programmeWeb(config, programme),
      auditWeb(db, config.laCode),
      retentionWeb(new RetentionService(db, config.laCode, clock), new SubjectAccessService(db, config.laCode, clock)),
    ],
  })
  return { app, sessions }
}
