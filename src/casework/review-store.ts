import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import type { ReviewDecision } from './tables.ts'

// The only code that reads or writes annual (and phase-transfer) reviews.

export type ReviewKind = 'annual' | 'phase_transfer'

export type ReviewRow = {
  id: string
  plan_id: string
  kind: ReviewKind
  due_on: string
  meeting_on: string | null
  invitations_sent_on: string | null
  report_received_on: string | null
  decision: ReviewDecision | null
  decision_on: string | null
  version: number
}

export type ReviewChange = {
  meeting_on: string | null
  invitations_sent_on: string | null
  report_received_on: string | null
  decision: ReviewDecision | null
  decision_on: string | null
}

const COLUMNS = [
  'id',
  'plan_id',
  'kind',
  'due_on',
  'meeting_on',
  'invitations_sent_on',
  'report_received_on',
  'decision',
  'decision_on',
  'version',
] as const

export class ReviewStore {
  constructor(
    private readonly db: Kysely<DB>,
    readonly laCode: string,
  ) {}

  withDb(db: Kysely<DB>): ReviewStore {
    return new ReviewStore(db, this.laCode)
  }

  async findReview(id: string): Promise<ReviewRow | undefined> {
    return (await this.db
      .selectFrom('annual_review')
      .select(COLUMNS)
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()) as ReviewRow | undefined
  }

  /** The plans' reviews, newest due first. */
  async reviews(planIds: readonly string[]): Promise<ReviewRow[]> {
    if (!planIds.length) return []
    return (await this.db
      .selectFrom('annual_review')
      .select(COLUMNS)
      .where('la_code', '=', this.laCode)
      .where('plan_id', 'in', planIds)
      .orderBy('due_on', 'desc')
      .orderBy('created_at', 'desc')
      .execute()) as ReviewRow[]
  }

  async insertReview(row: {
    planId: string
    kind: ReviewKind
    dueOn: string
    createdBy: string
    now: Date
  }): Promise<string> {
    const { id } = await this.db
      .insertInto('annual_review')
      .values({
        la_code: this.laCode,
        plan_id: row.planId,
        kind: row.kind,
        due_on: row.dueOn,
        created_by: row.createdBy,
        created_at: row.now,
        updated_at: row.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return id
  }

  /** Writes the review if it is still at the version read; null when someone else saved it first. */
  async updateReview(id: string, expected: number, change: ReviewChange, now: Date): Promise<number | null> {
    const row = await this.db
      .updateTable('annual_review')
      .set({ ...change, version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', expected)
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }
}
