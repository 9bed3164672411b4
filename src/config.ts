import path from 'node:path'
import { z } from 'zod'

// Every setting opensend reads, with development defaults. In production a missing secret or an
// unsafe default is a hard failure at start-up, never a silent fallback.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  LA_CODE: z
    .string()
    .regex(/^\d{3}$/, 'a three-digit DfE local authority code')
    .default('999'),
  LA_NAME: z.string().default('Demo Borough Council'),
  DEMO: z.enum(['true', 'false']).optional(),
  DEMO_SCALE: z.coerce.number().positive().max(10).default(1),
  SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(30),
  SECURE_COOKIES: z.enum(['true', 'false']).default('true'),
  SIGN_IN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  UPLOAD_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  TRUST_PROXY: z.string().optional(),
  OIDC_ISSUER_URL: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_REDIRECT_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  // Who families contact for mediation advice: printed in every decision letter (reg 32).
  MEDIATION_ADVISER_NAME: z.string().min(1).optional(),
  MEDIATION_ADVISER_PHONE: z.string().min(1).optional(),
  MEDIATION_ADVISER_EMAIL: z.email().optional(),
})

/** The demo's mediation adviser: an obviously fictional contact, refused in production. */
const DEMO_MEDIATION_ADVISER = {
  name: 'the independent SEND mediation adviser (demonstration contact)',
  phone: '0300 123 4567',
  email: 'send.mediation@example.org.uk',
}

export type Config = {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  databaseUrl: string | undefined
  dataDir: string
  laCode: string
  laName: string
  demo: boolean
  demoScale: number
  sessionIdleMinutes: number
  secureCookies: boolean
  signInRateLimit: number
  uploadLimitBytes: number
  trustProxy: string | undefined
  oidc: { issuerUrl: string; clientId: string; clientSecret: string; redirectUrl: string } | undefined
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  mediationAdviser: { name: string; phone: string; email: string }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env)
  if (!parsed.success) {
    const lines = parsed.error.issues.map(i => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const production = e.NODE_ENV === 'production'
  const oidcParts = [e.OIDC_ISSUER_URL, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET, e.OIDC_REDIRECT_URL]
  if (oidcParts.some(Boolean) && !oidcParts.every(Boolean)) {
    throw new Error(
      'Invalid configuration: OIDC needs all of OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URL',
    )
  }
  // Demo users have published passwords, so production never runs in demo mode.
  const demo = e.DEMO ? e.DEMO === 'true' : !production
  if (production && demo) throw new Error('Invalid configuration: DEMO=true is not allowed in production')
  const adviser = [e.MEDIATION_ADVISER_NAME, e.MEDIATION_ADVISER_PHONE, e.MEDIATION_ADVISER_EMAIL]
  if (adviser.some(Boolean) && !adviser.every(Boolean)) {
    throw new Error(
      'Invalid configuration: the mediation adviser needs all of MEDIATION_ADVISER_NAME, MEDIATION_ADVISER_PHONE, MEDIATION_ADVISER_EMAIL',
    )
  }
  // A decision letter without the real adviser's contact would leave a family unable to appeal.
  if (production && !adviser.every(Boolean)) {
    throw new Error(
      'Invalid configuration: set MEDIATION_ADVISER_NAME, MEDIATION_ADVISER_PHONE and MEDIATION_ADVISER_EMAIL',
    )
  }
  if (production && e.SECURE_COOKIES !== 'true') {
    throw new Error('Invalid configuration: SECURE_COOKIES must be true in production')
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL || undefined,
    dataDir: path.resolve(e.DATA_DIR),
    laCode: e.LA_CODE,
    laName: e.LA_NAME,
    demo,
    demoScale: e.DEMO_SCALE,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    secureCookies: e.SECURE_COOKIES === 'true',
    signInRateLimit: e.SIGN_IN_RATE_LIMIT,
    uploadLimitBytes: e.UPLOAD_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY,
    oidc: e.OIDC_ISSUER_URL
      ? {
          issuerUrl: e.OIDC_ISSUER_URL,
          clientId: e.OIDC_CLIENT_ID!,
          clientSecret: e.OIDC_CLIENT_SECRET!,
          redirectUrl: e.OIDC_REDIRECT_URL!,
        }
      : undefined,
    logLevel: e.LOG_LEVEL,
    mediationAdviser: e.MEDIATION_ADVISER_NAME
      ? { name: e.MEDIATION_ADVISER_NAME, phone: e.MEDIATION_ADVISER_PHONE!, email: e.MEDIATION_ADVISER_EMAIL! }
      : DEMO_MEDIATION_ADVISER,
  }
}
