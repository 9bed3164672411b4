import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { after, before, describe, it } from 'node:test'
import express from 'express'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { buildApp } from '../src/app.ts'
import { createOidcClient } from '../src/platform/http/oidc.ts'
import { Client, startTestApp, type TestApp } from './support/app.ts'

// A small but real OpenID provider on loopback: discovery, authorise, token and JWKS endpoints,
// RS256-signed ID tokens. It lets the whole authorisation-code flow run as it would against Entra ID.
async function startProvider(emailFor: () => string) {
  const { publicKey, privateKey } = await generateKeyPair('RS256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test', alg: 'RS256', use: 'sig' }
  const codes = new Map<string, { nonce: string; redirect: string }>()
  const app = express()
  app.use(express.urlencoded({ extended: false }))
  let issuer = ''
  app.get('/.well-known/openid-configuration', (_req, res) => {
    res.json({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    })
  })
  app.get('/jwks', (_req, res) => res.json({ keys: [jwk] }))
  app.get('/authorize', (req, res) => {
    const code = randomBytes(8).toString('hex')
    codes.set(code, { nonce: String(req.query.nonce), redirect: String(req.query.redirect_uri) })
    res.redirect(`${req.query.redirect_uri}?code=${code}&state=${req.query.state}&iss=${encodeURIComponent(issuer)}`)
  })
  app.post('/token', async (req, res) => {
    const grant = codes.get(String(req.body.code))
    if (!grant) return res.status(400).json({ error: 'invalid_grant' })
    const idToken = await new SignJWT({ nonce: grant.nonce, email: emailFor() })
      .setProtectedHeader({ alg: 'RS256', kid: 'test' })
      .setIssuer(issuer)
      .setAudience('opensend')
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey)
    res.json({ access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: idToken })
  })
  const server: Server = await new Promise(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { issuer, close: () => new Promise(resolve => server.close(resolve)) }
}

let t: TestApp
let provider: Awaited<ReturnType<typeof startProvider>>
let email = 'admin@example.test'
before(async () => {
  t = await startTestApp()
  provider = await startProvider(() => email)
})
after(async () => {
  await provider.close()
  await t.close()
})

describe('sign-in with an OpenID Connect provider', () => {
  it('signs in a user whose email the provider vouches for, and refuses an unknown one', async () => {
    const redirectUrl = 'http://localhost/sign-in/oidc/callback'
    const oidc = await createOidcClient({
      issuerUrl: provider.issuer,
      clientId: 'opensend',
      clientSecret: 'secret',
      redirectUrl,
      allowHttp: true,
    })
    const config = {
      ...t.config,
      oidc: { issuerUrl: provider.issuer, clientId: 'opensend', clientSecret: 'secret', redirectUrl },
    }
    const { app } = buildApp({ config, database: t.database, clock: t.clock, oidc })

    const signInVia = async () => {
      const client = new Client(app)
      const page = await client.get('/sign-in')
      assert.match(page.text, /Sign in with your council account/)
      const start = await client.get('/sign-in/oidc')
      assert.equal(start.status, 303)
      const authorise = new URL(start.headers.location!)
      assert.equal(authorise.searchParams.get('code_challenge_method'), 'S256')
      const back = await fetch(authorise, { redirect: 'manual' })
      const callback = new URL(back.headers.get('location')!)
      return { client, res: await client.get(callback.pathname + callback.search) }
    }

    const ok = await signInVia()
    assert.equal(ok.res.status, 303)
    const home = await ok.client.get('/')
    assert.match(home.text, /Signed in as Test Admin/)

    email = 'stranger@example.test'
    const refused = await signInVia()
    assert.equal(refused.res.status, 401)
    assert.match(refused.res.text, /could not be signed in/)
  })
})
