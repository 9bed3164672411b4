// A small, strict reader for the XML this service writes (elements and text only: no attributes,
// comments, CDATA or DTDs), used to prove the SEN2 file well-formed (sen2.md L-H4) and to read it
// back in tests. It throws on anything malformed: an unclosed or mismatched tag, a stray '<' or '&'
// in text, content after the root.

export type XmlElement = { name: string; children: XmlElement[]; text: string }

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decode(text: string, at: number): string {
  return text.replace(/&([^;&<]*);|&/g, (whole, name: string | undefined) => {
    if (name === undefined) throw new Error(`A bare '&' in text near ${at}`)
    if (name in ENTITIES) return ENTITIES[name]!
    const num = /^#(\d+)$/.exec(name) ?? /^#x([0-9A-Fa-f]+)$/.exec(name)
    if (num) return String.fromCodePoint(parseInt(num[1]!, name.startsWith('#x') ? 16 : 10))
    throw new Error(`An unknown entity ${whole} near ${at}`)
  })
}

export function parseXml(xml: string): XmlElement {
  let i = 0
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>')
    if (end < 0) throw new Error('An unclosed XML declaration')
    i = end + 2
  }
  const stack: XmlElement[] = []
  let root: XmlElement | null = null
  while (i < xml.length) {
    const lt = xml.indexOf('<', i)
    const text = xml.slice(i, lt < 0 ? xml.length : lt)
    if (text.includes('>')) throw new Error(`A stray '>' in text near ${i}`)
    if (stack.length) stack[stack.length - 1]!.text += decode(text, i)
    else if (text.trim() !== '') throw new Error(`Text outside the root element near ${i}`)
    if (lt < 0) break
    const gt = xml.indexOf('>', lt)
    if (gt < 0) throw new Error(`An unclosed tag near ${lt}`)
    const tag = xml.slice(lt + 1, gt)
    i = gt + 1
    if (tag.startsWith('/')) {
      const name = tag.slice(1)
      const open = stack.pop()
      if (!open || open.name !== name) throw new Error(`</${name}> does not close <${open?.name ?? ''}> near ${lt}`)
      if (stack.length === 0) root = open
      continue
    }
    const selfClosing = tag.endsWith('/')
    const name = selfClosing ? tag.slice(0, -1) : tag
    if (!NAME.test(name)) throw new Error(`A malformed tag <${tag}> near ${lt}`)
    if (root) throw new Error(`Content after the root element near ${lt}`)
    const element: XmlElement = { name, children: [], text: '' }
    if (stack.length) stack[stack.length - 1]!.children.push(element)
    if (selfClosing) {
      if (!stack.length) root = element
    } else stack.push(element)
  }
  if (stack.length) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`)
  if (!root) throw new Error('No root element')
  return root
}

/** The child elements of `parent` named `name`. */
export const childrenNamed = (parent: XmlElement, name: string) => parent.children.filter(c => c.name === name)

/** The text of `parent`'s child element `name`, or undefined when there is none. */
export const valueOf = (parent: XmlElement, name: string) => parent.children.find(c => c.name === name)?.text

/** Every element named `name` anywhere below `root`. */
export function allNamed(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = []
  const walk = (e: XmlElement) => {
    if (e.name === name) out.push(e)
    e.children.forEach(walk)
  }
  walk(root)
  return out
}
