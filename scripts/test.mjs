// npm test: every unit, integration and browser test, on PGlite by default or on the PostgreSQL
// server named by TEST_DATABASE_URL (each test file in its own new database).
//   npm test                     all tests on PGlite
//   npm test -- src/people       only test files under these paths
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
process.chdir(root)
const filters = process.argv.slice(2)

function testFiles(dir) {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return testFiles(full)
    return entry.name.endsWith('.test.ts') ? [full] : []
  })
}

const files = [...testFiles('src'), ...testFiles('test')]
  .map(f => path.relative(root, f))
  .filter(f => filters.length === 0 || filters.some(prefix => f.startsWith(prefix)))
  .sort()
if (files.length === 0) {
  console.error('No test files matched')
  process.exit(1)
}

const env = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' }
if (!env.TEST_DATABASE_URL) {
  const migrations = fs
    .readdirSync('migrations')
    .sort()
    .map(f => fs.readFileSync(path.join('migrations', f)))
  const key = createHash('sha256').update(Buffer.concat(migrations)).digest('hex').slice(0, 16)
  const template = path.join(root, '.test-artifacts', `pglite-${key}.tar`)
  if (!fs.existsSync(template)) {
    fs.mkdirSync(path.dirname(template), { recursive: true })
    const partial = `${template}.${process.pid}`
    const made = spawnSync(process.execPath, ['--import', 'tsx', 'test/support/make-template.ts', partial], {
      stdio: 'inherit',
    })
    if (made.status !== 0) process.exit(made.status ?? 1)
    fs.renameSync(partial, template)
  }
  env.OPENSEND_TEST_TEMPLATE = template
}
console.log(`Running ${files.length} test files on ${env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`)
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env },
)
process.exit(run.status ?? 1)
