// Unique pupil number: a check letter, then 12 characters (LA code, establishment, year, serial);
// the last may be a letter in a temporary UPN. The check letter is the DfE modulus-23 scheme.
const LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ'
const UPN = /^[ABCDEFGHJKLMNPQRTUVWXYZ][0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]$/

export function upnCheckLetter(body: string): string {
  if (!/^[0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]$/.test(body))
    throw new RangeError('A UPN body is 11 digits and a digit or letter')
  let sum = 0
  for (let i = 0; i < 12; i++) {
    const ch = body[i]!
    const value = i === 11 && /[A-Z]/.test(ch) ? LETTERS.indexOf(ch) : Number(ch)
    sum += value * (i + 2)
  }
  return LETTERS[sum % 23]!
}

export function isValidUpn(upn: string): boolean {
  return UPN.test(upn) && upnCheckLetter(upn.slice(1)) === upn[0]
}
