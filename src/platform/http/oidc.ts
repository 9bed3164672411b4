import * as client from 'openid-client'

export type OidcState = { codeVerifier: string; state: string; nonce: string }

export type OidcClient = {
  start(): Promise<{ url: string; state: OidcState }>
  /** The signed-in person's email, from a verified ID token; throws if anything does not check out. */
  finish(currentUrl: URL, state: unknown): Promise<string>
}

// Authorisation code flow with PKCE, state and nonce. Works with Microsoft Entra ID
// (issuer https://login.microsoftonline.com/<tenant>/v2.0) and any standard OIDC provider.
export async function createOidcClient(settings: {
  issuerUrl: string
  clientId: string
  clientSecret: string
  redirectUrl: string
  allowHttp?: boolean
}): Promise<OidcClient> {
  const configuration = await client.discovery(
    new URL(settings.issuerUrl),
    settings.clientId,
    settings.clientSecret,
    undefined,
    settings.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined,
  )
  return {
    async start() {
      const state: OidcState = {
        codeVerifier: client.randomPKCECodeVerifier(),
        state: client.randomState(),
        nonce: client.randomNonce(),
      }
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: settings.redirectUrl,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(state.codeVerifier),
        code_challenge_method: 'S256',
        state: state.state,
        nonce: state.nonce,
      })
      return { url: url.href, state }
    },
    async finish(currentUrl, saved) {
      const s = saved as OidcState
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: s.codeVerifier,
        expectedState: s.state,
        expectedNonce: s.nonce,
      })
      const claims = tokens.claims()
      // Entra ID puts the sign-in name in preferred_username; other providers use email.
      const email = claims?.email ?? claims?.preferred_username
      if (typeof email !== 'string' || !email.includes('@')) throw new Error('The identity token has no email')
      return email
    },
  }
}
