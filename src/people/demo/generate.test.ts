import assert from 'node:assert/strict'
import { before, describe, it } from 'node:test'
import fc from 'fast-check'
import { ncYear } from '../rules/nc-year.ts'
import { isValidUpn } from '../rules/upn.ts'
import profile from './dudley-profile.json' with { type: 'json' }
import {
  ehcpCaseloadAt,
  generateDemo,
  LOCALITIES,
  mulberry32,
  phaseFits,
  SEN_SUPPORT_AT_SCALE_1,
  type DemoAuthority,
} from './generate.ts'

const AS_AT = '2026-11-23'
const spec = { laCode: '332', asAt: AS_AT, scale: 1, seed: 332 }

function placementsByChild(demo: DemoAuthority): Map<string, DemoAuthority['placements']> {
  const byChild = new Map<string, DemoAuthority['placements']>()
  for (const p of demo.placements) byChild.set(p.child_id, [...(byChild.get(p.child_id) ?? []), p])
  return byChild
}

// Checks every demo, whatever the options, must pass: the database would accept it and it makes sense.
function assertCoherent(demo: DemoAuthority, asAt: string): void {
  const settings = new Map(demo.settings.map(s => [s.id, s]))
  const children = new Map(demo.children.map(c => [c.id, c]))
  assert.equal(children.size, demo.children.length, 'child ids are unique')
  assert.equal(new Set(demo.children.map(c => c.local_id)).size, demo.children.length, 'local ids are unique')
  const upns = demo.children.flatMap(c => (c.upn ? [c.upn] : []))
  assert.equal(new Set(upns).size, upns.length, 'UPNs are unique')
  for (const upn of upns) assert.ok(isValidUpn(upn), `valid UPN ${upn}`)
  for (const c of demo.children) {
    assert.match(c.local_id, /^C\d{7}$/)
    assert.ok(c.date_of_birth <= asAt)
    assert.equal(c.sen_status === 'ehcp', c.ehcp_start_date !== null)
    if (c.ehcp_start_date) assert.ok(c.ehcp_start_date > c.date_of_birth && c.ehcp_start_date <= asAt)
  }
  for (const n of demo.needs) {
    assert.ok(children.has(n.child_id))
    if (n.need_code === 'NSA') assert.equal(children.get(n.child_id)!.sen_status, 'sen_support', 'a plan names a need')
  }
  const needKeys = new Set(demo.needs.map(n => `${n.child_id}:${n.rank}`))
  assert.equal(needKeys.size, demo.needs.length)
  for (const c of demo.children) assert.ok(needKeys.has(`${c.id}:1`), 'every child has a primary need')

  const byChild = placementsByChild(demo)
  for (const [childId, list] of byChild) {
    const child = children.get(childId)!
    const ordered = [...list].sort((a, b) => a.start_date.localeCompare(b.start_date))
    ordered.forEach((p, i) => {
      assert.ok(settings.has(p.setting_id))
      assert.ok(p.start_date >= child.date_of_birth && p.start_date <= asAt)
      if (p.end_date !== null) assert.ok(p.end_date >= p.start_date && p.end_date < asAt)
      const next = ordered[i + 1]
      if (next) assert.ok(p.end_date !== null && p.end_date < next.start_date, 'placements do not overlap')
      if (p.resourced_provision) assert.ok(settings.get(p.setting_id)!.resource_base_places, 'resource base exists')
    })
    const current = ordered.filter(p => p.end_date === null && p.rank === 1)
    assert.ok(current.length <= 1)
    if (current[0]) {
      const phase = settings.get(current[0].setting_id)!.phase
      assert.ok(phaseFits(phase, ncYear(child.date_of_birth, asAt)), `${phase} teaches the child's year`)
    }
  }
}

describe('demo authority generator', () => {
  let demo: DemoAuthority
  before(() => {
    demo = generateDemo(spec)
  })

  it('is deterministic: the same options give the same rows, another seed other rows', () => {
    const small = { ...spec, scale: 0.05 }
    assert.deepEqual(generateDemo(small), generateDemo(small))
    const other = generateDemo({ ...small, seed: 333 })
    assert.notDeepEqual(other.children, generateDemo(small).children)
    assert.notDeepEqual(other.settings, generateDemo(small).settings)
  })

  it('has the size of Dudley at scale 1', () => {
    assert.equal(demo.localities.length, 5)
    assert.deepEqual(
      demo.localities.map(l => l.name),
      LOCALITIES.map(l => l.name),
    )
    assert.ok(demo.settings.length >= 90 && demo.settings.length <= 110, `${demo.settings.length} settings`)
    const ehcp = demo.children.filter(c => c.sen_status === 'ehcp').length
    const expected = ehcpCaseloadAt(AS_AT)
    assert.ok(Math.abs(ehcp - expected) <= expected * 0.05, `${ehcp} plans, expected about ${expected}`)
    assert.ok(ehcp > 3805, 'growth continues past January 2025')
    const senSupport = demo.children.filter(c => c.sen_status === 'sen_support').length
    assert.ok(
      Math.abs(senSupport - SEN_SUPPORT_AT_SCALE_1) <= SEN_SUPPORT_AT_SCALE_1 * 0.1,
      `${senSupport} on SEN support`,
    )
  })

  it('has a realistic mix of settings', () => {
    const count = (f: (s: DemoAuthority['settings'][number]) => boolean) => demo.settings.filter(f).length
    const mainstream = (phase: string) => count(s => s.setting_type === 'mainstream' && s.phase === phase)
    assert.ok(mainstream('primary') >= 60 && mainstream('primary') <= 80)
    assert.ok(mainstream('secondary') >= 10 && mainstream('secondary') <= 20)
    assert.ok(count(s => s.setting_type === 'special') >= 4)
    assert.ok(count(s => s.resource_base_places !== null && s.setting_type === 'mainstream') >= 4)
    assert.ok(count(s => s.setting_type === 'post_16') >= 3)
    assert.ok(count(s => s.setting_type === 'early_years') >= 3)
    assert.ok(count(s => s.setting_type === 'alternative_provision') >= 1)
    const outOfArea = demo.settings.filter(s => s.out_of_area)
    assert.ok(outOfArea.length >= 3 && outOfArea.every(s => s.governance === 'independent' && s.locality_code === null))
    assert.ok(demo.settings.filter(s => !s.out_of_area).every(s => LOCALITIES.some(l => l.code === s.locality_code)))
    assert.equal(new Set(demo.settings.map(s => s.urn)).size, demo.settings.length)
    assert.equal(new Set(demo.settings.map(s => s.name)).size, demo.settings.length)
    for (const s of demo.settings) assert.match(s.urn, /^\d{6}$/)
  })

  it('draws plans’ primary needs in Dudley’s proportions', () => {
    const plans = new Set(demo.children.filter(c => c.sen_status === 'ehcp').map(c => c.id))
    const drawn: Record<string, number> = {}
    for (const n of demo.needs)
      if (n.rank === 1 && plans.has(n.child_id)) drawn[n.need_code] = (drawn[n.need_code] ?? 0) + 1
    const dudley: Record<string, number> = {}
    for (const needs of Object.values(profile.needsByAge)) {
      for (const [code, n] of Object.entries(needs)) dudley[code] = (dudley[code] ?? 0) + n
    }
    const dudleyTotal = Object.values(dudley).reduce((a, b) => a + b)
    for (const [code, n] of Object.entries(dudley)) {
      const gap = Math.abs((drawn[code] ?? 0) / plans.size - n / dudleyTotal)
      assert.ok(gap < 0.02, `${code} share is within 2 points of Dudley's (off by ${(gap * 100).toFixed(1)})`)
    }
    assert.ok(
      demo.needs.some(n => n.rank === 2),
      'some children have a secondary need',
    )
  })

  it('follows Dudley’s growth: plans started by each January track the published caseload', () => {
    const starts = demo.children.flatMap(c => (c.ehcp_start_date ? [c.ehcp_start_date] : []))
    for (const [year, plans] of Object.entries(profile.caseloadByJanuary)) {
      const open = starts.filter(d => d <= `${year}-01-15`).length
      assert.ok(Math.abs(open - plans) <= plans * 0.03, `January ${year}: ${open} plans, Dudley had ${plans}`)
    }
    assert.ok(
      starts.every(d => d >= '2014-09-01'),
      'no plan predates EHC plans',
    )
  })

  it('gives every child a valid, unique UPN when they have been at a school in the authority', () => {
    const upns = demo.children.filter(c => c.upn)
    assert.ok(upns.length > demo.children.length * 0.9)
    assert.ok(upns.every(c => c.upn!.slice(1, 4) === '332'))
  })

  it('places children coherently and some plans in special schools, resource bases and out of area', () => {
    assertCoherent(demo, AS_AT)
    const settings = new Map(demo.settings.map(s => [s.id, s]))
    const current = demo.placements.filter(p => p.end_date === null)
    const at = (f: (s: DemoAuthority['settings'][number]) => boolean) =>
      current.filter(p => f(settings.get(p.setting_id)!)).length
    assert.ok(at(s => s.setting_type === 'special') > 800)
    assert.ok(at(s => s.out_of_area) > 100)
    assert.ok(current.filter(p => p.resourced_provision).length > 50)
    const histories = placementsByChild(demo)
    assert.ok(
      [...histories.values()].filter(h => h.length > 1).length > demo.children.length / 3,
      'many children moved on',
    )
  })

  it('has a user for every role and two SENCos at different schools that have pupils', () => {
    const roles = new Set(demo.users.map(u => u.role))
    for (const role of ['la_admin', 'send_manager', 'case_officer', 'panel_member', 'finance_officer', 'school_user']) {
      assert.ok(roles.has(role as never), role)
    }
    const sencos = demo.users.filter(u => u.role === 'school_user')
    assert.equal(sencos.length, 2)
    assert.notEqual(sencos[0]!.setting_id, sencos[1]!.setting_id)
    for (const senco of sencos) {
      const setting = demo.settings.find(s => s.id === senco.setting_id)!
      assert.equal(setting.setting_type, 'mainstream')
      assert.ok(demo.placements.some(p => p.setting_id === setting.id && p.end_date === null))
      assert.match(senco.username, /^senco\.[a-z]+$/)
    }
    assert.equal(new Set(demo.users.map(u => u.username)).size, demo.users.length)
  })

  it('stays coherent on the awkward days of the calendar', () => {
    for (const asAt of ['2026-09-01', '2026-09-02', '2026-07-31', '2024-02-29', '2019-01-15', '2014-06-30']) {
      assertCoherent(generateDemo({ ...spec, asAt, scale: 0.03 }), asAt)
    }
  })

  it('stays coherent for any seed, date and scale', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.double({ min: 0.005, max: 0.03, noNaN: true }),
        (seed, date, scale) => {
          const asAt = date.toISOString().slice(0, 10)
          assertCoherent(generateDemo({ laCode: '999', asAt, scale, seed }), asAt)
        },
      ),
      { numRuns: 25 },
    )
  })
})

describe('seeded generator', () => {
  it('repeats with its seed and spreads its output', () => {
    const a = mulberry32(7)
    const b = mulberry32(7)
    const values = Array.from({ length: 1000 }, () => a())
    assert.deepEqual(
      values,
      Array.from({ length: 1000 }, () => b()),
    )
    const mean = values.reduce((x, y) => x + y) / values.length / 2 ** 32
    assert.ok(Math.abs(mean - 0.5) < 0.05)
  })

  it('extrapolates the caseload from the published Januaries', () => {
    assert.equal(Math.round(ehcpCaseloadAt('2019-01-15')), 1926)
    assert.equal(Math.round(ehcpCaseloadAt('2025-01-15')), 3805)
    assert.ok(ehcpCaseloadAt('2026-01-15') > 3900 && ehcpCaseloadAt('2026-01-15') < 4300)
    assert.ok(ehcpCaseloadAt('2022-07-01') > 3035 && ehcpCaseloadAt('2022-07-01') < 3366)
  })
})
