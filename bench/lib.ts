// Shared by the benchmarks: start the real `opensend serve` as its own process, and summarise timings.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../test/support/net.ts'

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'opensend-bench-'))
}

export type Server = {
  url: string
  child: ChildProcess
  /** Peak resident set size so far, in MB, from the kernel's high-water mark (Linux only). */
  peakRssMb(): number | null
  stop(): Promise<void>
}

/** Spawns `opensend serve` with the embedded database in dataDir and the demo on; resolves when /health answers 200. */
export async function startServer(dataDir: string, timeoutMs = 90_000): Promise<Server & { readyMs: number }> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const started = performance.now()
  const child = spawn(process.execPath, [path.join(root, 'bin/opensend.js'), 'serve'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      DEMO: 'true',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', chunk => (output += chunk))
  child.stderr!.on('data', chunk => (output += chunk))
  let exited = false
  const exit = new Promise<void>(resolve => child.once('exit', () => ((exited = true), resolve())))

  const server: Server = {
    url,
    child,
    peakRssMb() {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
        const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1]
        return kb ? Math.round(Number(kb) / 1024) : null
      } catch {
        return null
      }
    },
    async stop() {
      if (exited) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exit
      clearTimeout(timer)
    },
  }

  while (performance.now() - started < timeoutMs) {
    if (exited) throw new Error(`opensend serve exited before it was ready:\n${output}`)
    const ok = await fetch(`${url}/health`).then(
      res => res.status === 200,
      () => false,
    )
    if (ok) return { ...server, readyMs: performance.now() - started }
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  await server.stop()
  throw new Error(`opensend serve was not ready within ${timeoutMs} ms:\n${output}`)
}

export function summarise(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    median_ms: round(sorted.length % 2 ? at(0.5) : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2),
    p95_ms: round(at(0.95)),
    min_ms: round(sorted[0]!),
    max_ms: round(sorted[sorted.length - 1]!),
    runs: sorted.length,
  }
}

/** One JSON line per benchmark, on stdout: the format scripts/bench.mjs passes through. */
export function report(bench: string, figures: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench, ...figures }))
}

/** The machine the figures came from; a load average above the core count means they are inflated. */
export function machine() {
  return { cpus: os.availableParallelism(), load_avg_1m: Math.round(os.loadavg()[0]! * 100) / 100 }
}
