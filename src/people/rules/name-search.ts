// Name search as a range of keys: the database compares them byte by byte (text_pattern_ops), which for
// UTF-8 is code-point order.

/**
 * The half-open range [from, to) of strings that start with `prefix`, in code-point order: up to the
 * prefix with its last character raised by one code point (a last character that cannot be raised is
 * dropped and the one before it raised instead); `to` is null when every character is the highest.
 */
export function prefixRange(prefix: string): [string, string | null] {
  const chars = Array.from(prefix)
  while (chars.length) {
    const last = chars.pop()!.codePointAt(0)!
    if (last === 0x10ffff) continue
    // The surrogate block holds no characters of its own.
    const next = last + 1 === 0xd800 ? 0xe000 : last + 1
    return [prefix, chars.join('') + String.fromCodePoint(next)]
  }
  return [prefix, null]
}
