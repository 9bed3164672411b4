// CI's dependency audit: `npm audit --audit-level=high` against the npm registry's advisories, less
// the exceptions written down (with their reasons) in docs/security.md, "Dependencies".
// Fails on any high or critical advisory not excepted. When the registry's advisory service does not
// answer (some networks allow only package downloads), says so plainly and does not fail the build,
// unless OPENSEND_AUDIT_REQUIRED=1.
import { spawnSync } from 'node:child_process'

/** Advisory id (GHSA-…) → why it is accepted for now. Keep in step with docs/security.md. */
const EXCEPTIONS = {}

const BLOCKING = new Set(['high', 'critical'])

const run = spawnSync('npm', ['audit', '--json', '--audit-level=high'], { encoding: 'utf8' })
let report = null
try {
  report = JSON.parse(run.stdout)
} catch {
  // Not JSON: treated below as no answer.
}

if (!report || !report.vulnerabilities) {
  const why = report?.message ?? (run.stderr.trim().split('\n').at(-1) || `npm audit exited ${run.status}`)
  console.log(`Dependency audit NOT RUN: the npm registry's advisory service did not answer (${why}).`)
  process.exit(process.env.OPENSEND_AUDIT_REQUIRED === '1' ? 1 : 0)
}

const blocking = []
const excepted = []
for (const [name, vulnerability] of Object.entries(report.vulnerabilities)) {
  // A package listed only because it depends on a vulnerable one names that one in `via` (a string):
  // the advisory itself is reported there.
  for (const advisory of vulnerability.via.filter(v => typeof v === 'object')) {
    if (!BLOCKING.has(advisory.severity)) continue
    const id = String(advisory.url ?? '')
      .split('/')
      .at(-1)
    const line = `${name} ${advisory.range}: ${advisory.title} (${advisory.severity}, ${id})`
    if (EXCEPTIONS[id]) excepted.push(`${line} — excepted: ${EXCEPTIONS[id]}`)
    else blocking.push(line)
  }
}

const counts = report.metadata?.vulnerabilities ?? {}
console.log(
  `Dependency audit: ${counts.total ?? 0} advisories (critical ${counts.critical ?? 0}, high ${counts.high ?? 0}, moderate ${counts.moderate ?? 0}, low ${counts.low ?? 0})`,
)
for (const line of excepted) console.log(`  ${line}`)
if (blocking.length) {
  console.error('High or critical advisories with no exception in docs/security.md:')
  for (const line of blocking) console.error(`  ${line}`)
  process.exit(1)
}
