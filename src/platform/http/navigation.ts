import type { Role } from '../actor.ts'

// The header shows one link per area; an area's other pages sit in a second row shown only on that
// area's pages, so the header stays short however many pages an area grows.

export type NavItem = {
  text: string
  href: string
  roles: readonly Role[]
  /** The header link this page sits under (its `text`); none for a header link itself. */
  section?: string
  /** For a header link: its own name in its area's row (e.g. 'Matrix versions' under 'Funding'). */
  overview?: string
}

export type NavLink = { text: string; href: string; active: boolean }
export type Navigation = { header: NavLink[]; section: { name: string; links: NavLink[] } | null }

const under = (path: string, href: string) => path === href || (href !== '/' && path.startsWith(`${href}/`))

/**
 * The header and the current area's links for a role on a path. A page whose header link the role
 * cannot see is promoted to the header (a SENCo's funding statement), so nothing reachable is hidden.
 */
export function navigationFor(items: readonly NavItem[], role: Role | null, path: string): Navigation {
  if (role === null) return { header: [], section: null }
  const visible = items.filter(i => i.roles.includes(role))
  const heads = new Set(visible.filter(i => !i.section).map(i => i.text))
  // Home leads whatever order the areas were mounted in.
  const top = visible
    .filter(i => !i.section || !heads.has(i.section))
    .sort((a, b) => Number(b.href === '/') - Number(a.href === '/'))
  const sectionOf = (i: NavItem) => (i.section && heads.has(i.section) ? i.section : i.text)
  // The most specific link the path sits under decides the area.
  const current = visible.filter(i => under(path, i.href)).sort((a, b) => b.href.length - a.href.length)[0]
  const area = current ? sectionOf(current) : null
  const header = top.map(i => ({ text: i.text, href: i.href, active: area === i.text }))
  const head = visible.find(i => !i.section && i.text === area)
  const members = visible.filter(i => i.section === area && heads.has(area!))
  if (!area || !head || !members.length) return { header, section: null }
  const links = [...(head.overview ? [head] : []), ...members].map(i => ({
    text: i === head ? head.overview! : i.text,
    href: i.href,
    active: i === current,
  }))
  return { header, section: { name: area, links } }
}
