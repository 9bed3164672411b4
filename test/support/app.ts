import type { Express } from 'express'
import request from 'supertest'
import { buildApp } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import type { Database } from '../../src/platform/db/index.ts'
import { setLogLevel } from '../../src/platform/log.ts'
import { fixedClock } from '../../src/platform/time/clock.ts'
import { freshDatabase } from './database.ts'
import { LA, loadFixture, PASSWORD, TODAY, type Fixture } from './fixture.ts'

export type TestApp = {
  app: Express
  database: Database
  fixture: Fixture
  clock: ReturnType<typeof fixedClock>
  config: Config
  close(): Promise<void>
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await freshDatabase()
  const fixture = await loadFixture(database.db)
  const clock = fixedClock(`${TODAY}T10:00:00Z`)
  const config = loadConfig({
    NODE_ENV: 'test',
    LA_CODE: LA,
    LA_NAME: 'Test Borough Council',
    DEMO: 'false',
    SIGN_IN_RATE_LIMIT: '1000',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    ...env,
  })
  setLogLevel(config.logLevel)
  const { app } = buildApp({ config, database, clock })
  return { app, database, fixture, clock, config, close: () => database.close() }
}

/**
 * A browser-like client: keeps the session cookie (sent by hand, because supertest's cookie jar
 * will not return a Secure cookie over http) and the page's CSRF token.
 */
export class Client {
  cookie = ''
  csrf = ''

  constructor(private readonly app: Express) {}

  private keep(res: request.Response) {
    const set = res.headers['set-cookie'] as unknown as string[] | undefined
    for (const line of set ?? []) {
      const [pair] = line.split(';')
      if (/Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(line)) this.cookie = ''
      else if (pair) this.cookie = pair
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.text ?? '')
    if (token) this.csrf = token[1]!
    return res
  }

  async get(path: string) {
    return this.keep(await request(this.app).get(path).set('Cookie', this.cookie))
  }

  async post(path: string, form: Record<string, string> = {}, { csrf = true } = {}) {
    return this.keep(
      await request(this.app)
        .post(path)
        .set('Cookie', this.cookie)
        .type('form')
        .send(csrf ? { _csrf: this.csrf, ...form } : form),
    )
  }

  async postJson(path: string, body: unknown, { csrf = true } = {}) {
    const req = request(this.app).post(path).set('Cookie', this.cookie)
    if (csrf) req.set('x-csrf-token', this.csrf)
    return this.keep(await req.send(body as object))
  }

  /** Upload a file as multipart/form-data with the CSRF token as a field. */
  async upload(
    path: string,
    field: string,
    filename: string,
    content: string | Buffer,
    fields: Record<string, string> = {},
  ) {
    let req = request(this.app).post(path).set('Cookie', this.cookie).field('_csrf', this.csrf)
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v)
    return this.keep(await req.attach(field, Buffer.from(content), filename))
  }
}

export async function signedIn(app: Express, username: string, password = PASSWORD): Promise<Client> {
  const client = new Client(app)
  await client.get('/sign-in')
  const res = await client.post('/sign-in', { username, password })
  if (res.status !== 303) throw new Error(`Sign-in as ${username} failed: ${res.status}`)
  await client.get('/')
  return client
}
