import { sql, type Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import type { MatrixVersionSpec, VersionStatus } from './rules/matrix-version.ts'

// The only code that reads or writes the funding tables. Every query is scoped to one local authority.

export type MatrixVersionRow = {
  id: string
  name: string
  status: VersionStatus
  spec: MatrixVersionSpec
  version: number
  created_by: string | null
  created_at: Date
  updated_at: Date
  approved_at: Date | null
  retired_at: Date | null
}

export class FundingStore {
  constructor(
    private readonly db: Kysely<DB>,
    readonly laCode: string,
  ) {}

  withDb(db: Kysely<DB>): FundingStore {
    return new FundingStore(db, this.laCode)
  }

  /** Every version, newest change first, without the (possibly large) documents. */
  listVersions() {
    return this.db
      .selectFrom('matrix_version')
      .select(['id', 'name', 'status', 'version', 'created_at', 'updated_at', 'approved_at', 'retired_at'])
      .where('la_code', '=', this.laCode)
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .execute()
  }

  async findVersion(id: string): Promise<MatrixVersionRow | undefined> {
    return this.db
      .selectFrom('matrix_version')
      .select([
        'id',
        'name',
        'status',
        'spec',
        'version',
        'created_by',
        'created_at',
        'updated_at',
        'approved_at',
        'retired_at',
      ])
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .executeTakeFirst()
  }

  /** A new version: a draft unless told otherwise (the demo loads its version already approved). */
  async insertVersion(row: {
    name: string
    spec: MatrixVersionSpec
    status?: VersionStatus
    createdBy: string | null
    now: Date
  }) {
    const status = row.status ?? 'draft'
    const approved = status === 'approved' || status === 'retired'
    return this.db
      .insertInto('matrix_version')
      .values({
        la_code: this.laCode,
        name: row.name,
        spec: JSON.stringify(row.spec),
        status,
        created_by: row.createdBy,
        created_at: row.now,
        updated_at: row.now,
        approved_at: approved ? row.now : null,
        retired_at: status === 'retired' ? row.now : null,
      })
      .returning(['id', 'version'])
      .executeTakeFirstOrThrow()
  }

  /**
   * Changes a version only if it is still at the version number the caller read and still editable;
   * returns the new version number, or null when either no longer holds (the caller works out which).
   */
  async updateVersionSpec(
    id: string,
    expected: number,
    change: { name: string; spec: MatrixVersionSpec; now: Date },
  ): Promise<number | null> {
    const row = await this.db
      .updateTable('matrix_version')
      .set({
        name: change.name,
        spec: JSON.stringify(change.spec),
        version: sql<number>`version + 1`,
        updated_at: change.now,
      })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', expected)
      .where('status', 'in', ['draft', 'consultation'])
      .returning('version')
      .executeTakeFirst()
    return row?.version ?? null
  }

  async updateVersionStatus(
    id: string,
    expected: { version: number; status: VersionStatus },
    to: VersionStatus,
    now: Date,
  ): Promise<number | null> {
    let query = this.db
      .updateTable('matrix_version')
      .set({ status: to, version: sql<number>`version + 1`, updated_at: now })
      .where('la_code', '=', this.laCode)
      .where('id', '=', id)
      .where('version', '=', expected.version)
      .where('status', '=', expected.status)
    if (to === 'approved') query = query.set({ approved_at: now })
    if (to === 'retired') query = query.set({ retired_at: now })
    const row = await query.returning('version').executeTakeFirst()
    return row?.version ?? null
  }

  async hasVersions(): Promise<boolean> {
    const row = await this.db
      .selectFrom('matrix_version')
      .select('id')
      .where('la_code', '=', this.laCode)
      .limit(1)
      .executeTakeFirst()
    return Boolean(row)
  }
}
