// npm run bench: runs every bench/*.bench.ts in its own process, one after another, passing through
// the one JSON line each prints.  `npm run bench -- start-demo` runs only the benchmarks named.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const only = process.argv.slice(2)
const benches = fs
  .readdirSync(path.join(root, 'bench'))
  .filter(f => f.endsWith('.bench.ts'))
  .filter(f => only.length === 0 || only.includes(f.replace(/\.bench\.ts$/, '')))
  .sort()
if (benches.length === 0) {
  console.error('No benchmarks matched')
  process.exit(1)
}

let failed = 0
for (const file of benches) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', file)], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (run.status !== 0) {
    console.error(`${file} failed (exit ${run.status ?? run.signal})`)
    failed++
  }
}
process.exit(failed ? 1 : 0)
