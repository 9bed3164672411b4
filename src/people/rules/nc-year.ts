import { academicYearStart, parts } from '../../platform/time/dates.ts'

// A child's national curriculum year follows their age on 31 August before the academic year:
// four then is Reception (0), five is Year 1, and so on. Nursery years are -1 and -2.
export function ncYear(dateOfBirth: string, on: string): number {
  const birth = parts(dateOfBirth)
  const ageOn31August = academicYearStart(on) - birth.year - (birth.month >= 9 ? 1 : 0)
  return ageOn31August - 4
}

export function ncYearLabel(year: number): string {
  if (year <= -2) return 'Early years'
  if (year === -1) return 'Nursery'
  if (year === 0) return 'Reception'
  return `Year ${year}`
}
