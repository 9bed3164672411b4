import type { Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import { calendarWith, type Calendar } from './rules/bank-holidays.ts'

// The working-day calendar every clock counts with: the shipped England and Wales bank holidays plus
// the dates an admin has added (non_working_day). The only code that reads or writes those dates.

export type AddedDay = { day: string; name: string; added_by_name: string | null; added_at: Date }

export class CalendarStore {
  constructor(private readonly db: Kysely<DB>) {}

  withDb(db: Kysely<DB>): CalendarStore {
    return new CalendarStore(db)
  }

  async calendar(): Promise<Calendar> {
    const rows = await this.db.selectFrom('non_working_day').select('day').execute()
    return calendarWith(rows.map(r => r.day))
  }

  async added(): Promise<AddedDay[]> {
    return this.db
      .selectFrom('non_working_day')
      .leftJoin('app_user', 'app_user.id', 'non_working_day.added_by')
      .select([
        'non_working_day.day',
        'non_working_day.name',
        'app_user.display_name as added_by_name',
        'non_working_day.added_at',
      ])
      .orderBy('non_working_day.day')
      .execute()
  }

  async exists(day: string): Promise<boolean> {
    const row = await this.db.selectFrom('non_working_day').select('day').where('day', '=', day).executeTakeFirst()
    return Boolean(row)
  }

  /** False when the date was already there (a concurrent add), so the caller can say so. */
  async add(day: string, name: string, addedBy: string, now: Date): Promise<boolean> {
    const inserted = await this.db
      .insertInto('non_working_day')
      .values({ day, name, added_by: addedBy, added_at: now })
      .onConflict(oc => oc.column('day').doNothing())
      .returning('day')
      .executeTakeFirst()
    return Boolean(inserted)
  }
}
