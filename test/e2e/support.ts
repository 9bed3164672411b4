// Browser tests: the test app on a free port, Debian's Chromium driven by playwright-core, and
// axe-core run on every page a journey visits.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import axe from 'axe-core'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'
import { PASSWORD } from '../support/fixture.ts'
import { startTestApp, type TestApp } from '../support/app.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

// The network is closed: without these Chromium spends its time reaching for Google's services.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

export type E2E = {
  t: TestApp
  /** http://localhost:<port>: Chromium keeps the Secure __Host- session cookie only on a trustworthy origin. */
  baseUrl: string
  browser: Browser
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>
  close(): Promise<void>
}

export async function startE2E(): Promise<E2E> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `The browser tests need Chromium at ${CHROMIUM} and it is not there. Install it with:\n` +
        '  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium\n' +
        'or set CHROMIUM_PATH to another Chromium binary.',
    )
  }
  const t = await startTestApp()
  const server = http.createServer(t.app)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, timeout: 60_000 })
  const baseUrl = `http://localhost:${port}`
  const contexts: BrowserContext[] = []
  return {
    t,
    baseUrl,
    browser,
    async newContext(options = {}) {
      const context = await browser.newContext({ baseURL: baseUrl, ...options })
      if (options.javaScriptEnabled === false) scriptless.add(context)
      context.setDefaultTimeout(15_000)
      contexts.push(context)
      return context
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {})
      await browser.close()
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
      await t.close()
    },
  }
}

/** Goes to a path, checks it answered `status`, and runs axe on what it shows. */
export async function visit(page: Page, path: string, status = 200): Promise<void> {
  const res = await page.goto(path)
  assert.ok(res, `No response for ${path}`)
  assert.equal(res.status(), status, `GET ${path} answered ${res.status()}, expected ${status}`)
  await checkA11y(page)
}

// What the page's window holds, for code evaluated in it (the project's types carry no DOM library).
type PageWindow = {
  axe?: { run(context: unknown, options: axe.RunOptions): Promise<axe.AxeResults> }
  document: unknown
  setTimeout: unknown
  clearTimeout: unknown
}

// Contexts with JavaScript off: their pages still evaluate over the DevTools protocol, but timers never fire.
const scriptless = new WeakSet<BrowserContext>()

/**
 * Runs axe-core against the page as it stands, failing with every WCAG 2.2 A/AA violation found.
 * axe is evaluated over the DevTools protocol, which the page's nonce-based CSP does not govern
 * (a <script> tag added to the page would be refused).
 */
export async function checkA11y(page: Page): Promise<void> {
  const loaded = await page.evaluate(() => 'axe' in globalThis)
  if (!loaded) {
    if (scriptless.has(page.context())) {
      // axe paces its work with setTimeout(…, 0): run those as promise jobs (queueMicrotask is off
      // too). Its longer timers are give-up timeouts (frames, preloading) that must not fire early.
      await page.evaluate(() => {
        const w = globalThis as unknown as PageWindow
        w.setTimeout = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
          if (!ms) void Promise.resolve().then(() => fn(...args))
          return 0
        }
        w.clearTimeout = () => {}
      })
    }
    await page.evaluate(axe.source)
  }
  const results = await page.evaluate(tags => {
    const w = globalThis as unknown as PageWindow
    return w.axe!.run(w.document, { runOnly: { type: 'tag', values: tags } })
  }, WCAG_TAGS)
  assert.equal(results.violations.length, 0, describeViolations(page.url(), results.violations))
}

export function describeViolations(url: string, violations: axe.Result[]): string {
  const lines = violations.flatMap(v => [
    `  ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help} – ${v.helpUrl}`,
    ...v.nodes.map(
      n =>
        `      at ${n.target.map(String).join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`,
    ),
  ])
  return `Accessibility violations on ${url}:\n${lines.join('\n')}`
}

/** Signs in through the form and checks the session cookie took. */
export async function signIn(page: Page, username: string, password = PASSWORD): Promise<void> {
  await visit(page, '/sign-in')
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await Promise.all([
    page.waitForURL(url => url.pathname === '/'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ])
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
  const cookies = await page.context().cookies()
  assert.ok(
    cookies.some(c => c.name === '__Host-opensend' && c.secure),
    'The browser did not keep the __Host- session cookie',
  )
  await checkA11y(page)
}

export async function signOut(page: Page): Promise<void> {
  await Promise.all([
    page.waitForURL(url => url.pathname === '/sign-in'),
    page.getByRole('button', { name: 'Sign out' }).click(),
  ])
  await checkA11y(page)
}

/** Path and query of the page's URL, for comparing where a link led. */
export function here(page: Page): string {
  const url = new URL(page.url())
  return url.pathname + url.search
}
