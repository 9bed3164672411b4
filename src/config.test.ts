import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadConfig } from './config.ts'

const PRODUCTION = { NODE_ENV: 'production', DEMO: 'false' }
const ADVISER = {
  MEDIATION_ADVISER_NAME: 'Anytown SEND Mediation Service',
  MEDIATION_ADVISER_PHONE: '01234 567890',
  MEDIATION_ADVISER_EMAIL: 'mediation@anytown.example',
}

describe('configuration', () => {
  it('refuses demo mode and insecure cookies in production', () => {
    assert.throws(() => loadConfig({ ...PRODUCTION, ...ADVISER, DEMO: 'true' }), /DEMO=true is not allowed/)
    assert.throws(() => loadConfig({ ...PRODUCTION, ...ADVISER, SECURE_COOKIES: 'false' }), /SECURE_COOKIES/)
  })

  it('needs the real mediation adviser in production, all three parts of it anywhere', () => {
    assert.throws(() => loadConfig(PRODUCTION), /MEDIATION_ADVISER_NAME/)
    assert.throws(() => loadConfig({ MEDIATION_ADVISER_NAME: 'Someone' }), /needs all of/)
    const config = loadConfig({ ...PRODUCTION, ...ADVISER })
    assert.deepEqual(config.mediationAdviser, {
      name: 'Anytown SEND Mediation Service',
      phone: '01234 567890',
      email: 'mediation@anytown.example',
    })
  })

  it('gives development an obviously fictional adviser for the demo letters', () => {
    assert.match(loadConfig({}).mediationAdviser.name, /demonstration/)
  })
})
