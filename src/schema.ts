import type { CaseworkTables } from './casework/tables.ts'
import type { DisputeTables } from './casework/dispute-tables.ts'
import type { FundingTables } from './funding/tables.ts'
import type { PublishedTables } from './insight/published-tables.ts'
import type { ModerationTables } from './moderation/tables.ts'
import type { PeopleTables } from './people/tables.ts'
import type { RetentionTables } from './people/retention-tables.ts'
import type { PlanningMoneyTables } from './planning/budget-tables.ts'
import type { ProgrammeTables } from './programme/tables.ts'
import type { AuditTables } from './platform/audit/tables.ts'
import type { PlatformTables } from './platform/db/tables.ts'
import type { SessionTables } from './platform/http/tables.ts'

// The whole database as Kysely sees it: each area declares its own tables beside its store.
export interface DB
  extends
    PlatformTables,
    SessionTables,
    AuditTables,
    PeopleTables,
    FundingTables,
    ModerationTables,
    CaseworkTables,
    DisputeTables,
    PublishedTables,
    PlanningMoneyTables,
    ProgrammeTables,
    RetentionTables {}
