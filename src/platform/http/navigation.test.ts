import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ROLES } from '../actor.ts'
import { navigationFor, type NavItem } from './navigation.ts'

const ITEMS: NavItem[] = [
  { text: 'Home', href: '/', roles: ROLES },
  { text: 'Funding', href: '/funding/versions', overview: 'Matrix versions', roles: ['la_admin', 'finance_officer'] },
  { text: 'Funding runs', href: '/funding/runs', section: 'Funding', roles: ['la_admin', 'finance_officer'] },
  { text: 'Funding statement', href: '/funding/statements/x', section: 'Funding', roles: ['school_user'] },
  { text: 'Casework', href: '/casework', roles: ['case_officer'] },
  { text: 'EHC requests', href: '/casework/requests', section: 'Casework', roles: ['case_officer'] },
]

describe('navigation', () => {
  it('keeps an area’s pages out of the header and shows them on that area’s pages', () => {
    const nav = navigationFor(ITEMS, 'finance_officer', '/funding/runs')
    assert.deepEqual(
      nav.header.map(l => [l.text, l.active]),
      [
        ['Home', false],
        ['Funding', true],
      ],
    )
    assert.deepEqual(nav.section, {
      name: 'Funding',
      links: [
        { text: 'Matrix versions', href: '/funding/versions', active: false },
        { text: 'Funding runs', href: '/funding/runs', active: true },
      ],
    })
    assert.equal(navigationFor(ITEMS, 'finance_officer', '/').section, null)
  })

  it('promotes a page to the header when its area’s link is not the role’s', () => {
    const nav = navigationFor(ITEMS, 'school_user', '/funding/statements/x')
    assert.deepEqual(
      nav.header.map(l => [l.text, l.active]),
      [
        ['Home', false],
        ['Funding statement', true],
      ],
    )
    assert.equal(nav.section, null)
  })

  it('Home leads the header whatever order the areas were mounted in', () => {
    const nav = navigationFor([...ITEMS].reverse(), 'case_officer', '/')
    assert.deepEqual(
      nav.header.map(l => l.text),
      ['Home', 'Casework'],
    )
  })

  it('the most specific link decides the area; nothing for someone signed out', () => {
    const nav = navigationFor(ITEMS, 'case_officer', '/casework/requests/123')
    assert.equal(nav.header.find(l => l.active)?.text, 'Casework')
    assert.equal(nav.section?.links.find(l => l.active)?.text, 'EHC requests')
    assert.deepEqual(navigationFor(ITEMS, null, '/'), { header: [], section: null })
  })

  it('every page a role may see is reachable from the header or its area’s row', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ROLES), role => {
        const allowed = ITEMS.filter(i => i.roles.includes(role))
        const reachable = new Set<string>()
        for (const item of allowed) {
          const nav = navigationFor(ITEMS, role, item.href)
          for (const l of [...nav.header, ...(nav.section?.links ?? [])]) reachable.add(l.href)
        }
        const header = navigationFor(ITEMS, role, '/').header.map(l => l.href)
        for (const item of allowed) {
          const head = ITEMS.find(i => i.text === item.section && i.roles.includes(role))
          assert.ok(reachable.has(item.href) || (head && header.includes(head.href)), `${role}: ${item.href}`)
        }
        assert.ok(header.length <= allowed.filter(i => !i.section).length + allowed.length)
      }),
    )
  })
})
