// Builds a migrated PGlite data folder once per test run: starting from it takes well under a
// second, where initialising a new PGlite takes several.
import fs from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { Kysely } from 'kysely'
import { PGliteDialect } from '../../src/platform/db/pglite-dialect.ts'
import { migrate } from '../../src/platform/db/migrate.ts'
import type { DB } from '../../src/schema.ts'

const target = process.argv[2]
if (!target) throw new Error('usage: make-template.ts <file>')
const pglite = new PGlite()
await pglite.waitReady
await migrate(new Kysely<DB>({ dialect: new PGliteDialect(pglite) }))
await pglite.exec('checkpoint')
const dump = await pglite.dumpDataDir('none')
fs.writeFileSync(target, Buffer.from(await dump.arrayBuffer()))
await pglite.close()
