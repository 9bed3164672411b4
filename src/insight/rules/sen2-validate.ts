import { addDays, ageOn, daysBetween, isIsoDate } from '../../platform/time/dates.ts'
import {
  activityPeriod,
  CEASE_REASON_CODES,
  censusDate,
  OUTCOME_CODES,
  REQUEST_SOURCE_CODES,
  REVIEW_OUTCOMES,
  SEN_SETTINGS,
  SEN_TYPES,
  SEX_CODES,
  UPN_UNKNOWN_CODES,
  type Sen2Input,
  type Sen2Person,
  type Sen2Return,
} from './sen2.ts'

// The validation report (sen2.md section 4): every check we can make from our data, on the return as
// built (so it reports what DfE would see) plus a few on the records behind it (future dates). The
// rule ids are sen2.md's local L-… ids; L-X… are ours where sen2.md has no rule. E = error (must be
// fixed before DfE will authorise the return), Q = query (explain or fix).

export type Severity = 'error' | 'query'

export type Sen2Issue = {
  severity: Severity
  rule: string
  /** The child's local id; '' for the file header. */
  localId: string
  /** The child's record id, for a link on the page; never written to a file. */
  childId: string
  element: string
  message: string
}

export type Sen2Report = { issues: Sen2Issue[]; errors: number; queries: number }

/** The rules this module checks: id, severity and what it checks (docs/sen2-return.md lists them too). */
export const RULES: Record<string, { severity: Severity; text: string }> = {
  'L-H2': { severity: 'error', text: 'ReferenceDate is the census date for the Year (third Thursday of January)' },
  'L-H3': { severity: 'error', text: 'LEA is a 3-digit LA code' },
  'L-H4': { severity: 'error', text: 'every date is a valid ISO date' },
  'L-P1': { severity: 'error', text: 'Surname, Forename, PersonBirthDate and Sex present' },
  'L-P2': { severity: 'error', text: 'Sex and UPNunknown codes valid' },
  'L-P3': { severity: 'error', text: 'PersonBirthDate not after the ReferenceDate; aged 25 or under' },
  'L-P4': { severity: 'error', text: 'UPN: 13 characters with a valid check letter' },
  'L-P6': { severity: 'error', text: 'UPNunknown when there is no UPN or ULN' },
  'L-P8': { severity: 'query', text: 'the same UPN on two people' },
  'L-R1': { severity: 'error', text: 'ReceivedDate, RequestOutcome and RYA present' },
  'L-R2': { severity: 'error', text: 'RequestOutcome in Y, N, A, W, H' },
  'L-R3': { severity: 'error', text: 'RequestOutcomeDate present exactly when RequestOutcome is Y or N' },
  'L-R4': { severity: 'error', text: 'RequestOutcomeDate on or after ReceivedDate and not after the ReferenceDate' },
  'L-R6': { severity: 'query', text: 'decision whether to assess more than 6 weeks (42 days) after the request' },
  'L-R7': { severity: 'error', text: 'no Assessment when RequestOutcome is N, A or W' },
  'L-R8': { severity: 'error', text: 'RequestSource in 1–5 (mandatory from 2026)' },
  'L-R10': { severity: 'error', text: 'ReceivedDate not before PersonBirthDate' },
  'L-A1': { severity: 'error', text: 'AssessmentOutcome in Y, N, A, W, H' },
  'L-A2': { severity: 'error', text: 'AssessmentOutcomeDate present for N, absent for A, W, H' },
  'L-A3': { severity: 'error', text: 'AssessmentOutcomeDate on or after ReceivedDate and RequestOutcomeDate' },
  'L-A4': { severity: 'error', text: 'a NamedPlan when AssessmentOutcome is Y with a date; none for N, A, W' },
  'L-A5': { severity: 'error', text: 'Week20 present (0 or 1) when AssessmentOutcome is Y' },
  'L-A6': { severity: 'query', text: 'plan issued more than 20 weeks (140 days) after the request, no exception' },
  'L-A7': { severity: 'query', text: 'decision not to issue more than 16 weeks (112 days) after the request' },
  'L-A8': { severity: 'query', text: 'RequestOutcome H but AssessmentOutcome not H' },
  'L-N1': { severity: 'error', text: 'StartDate present and not after the ReferenceDate' },
  'L-N2': { severity: 'error', text: 'StartDate on or after the AssessmentOutcomeDate' },
  'L-N3': { severity: 'error', text: 'CeaseDate given exactly when CeaseReason is; CeaseReason in 1–9' },
  'L-N4': { severity: 'error', text: 'CeaseDate on or after StartDate and not after the ReferenceDate' },
  'L-N5': { severity: 'query', text: 'CeaseReason 1 (maximum age) for a young person under 19' },
  'L-N8': { severity: 'error', text: 'one or two PlanDetail, exactly one of rank 1' },
  'L-N9': { severity: 'error', text: 'each PlanDetail has exactly one of URN, UKPRN, SENsetting' },
  'L-N10': { severity: 'error', text: 'URN is 6 digits' },
  'L-N11': { severity: 'query', text: 'SENsetting OTH or NIEO: COLLECT asks for more information' },
  'L-AP2': { severity: 'error', text: 'a plan in force on the ReferenceDate has a PlacementDetail and a SENneed' },
  'L-AP4': {
    severity: 'error',
    text: 'ReviewMeeting not after the ReferenceDate; LastReview on or after it; ReviewOutcome A, C or M',
  },
  'L-AP5': { severity: 'query', text: 'plan older than 12 months with no review meeting in the last 12 months' },
  'L-PD1': {
    severity: 'error',
    text: 'each PlacementDetail has one of URN, UKPRN, SENsetting; rank 1 or 2; EntryDate',
  },
  'L-PD2': { severity: 'error', text: 'LeavingDate on or after EntryDate and before the ReferenceDate' },
  'L-PD3': { severity: 'error', text: 'placements of the same rank do not overlap' },
  'L-SN1': { severity: 'error', text: 'one or two SENneed, ranks 1 (and 2) once each, SENtype valid' },
  'L-SN2': { severity: 'error', text: 'the two SENneed do not repeat a SENtype' },
  'L-X1': { severity: 'error', text: 'no date in the records after the day the return is made' },
  'L-X2': { severity: 'query', text: 'two people with the same surname, forename and date of birth' },
}

const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ'

/**
 * The UPN check (sen2.md L-P4): 13 characters, a check letter then 11 digits then a digit or (for a
 * temporary UPN) a letter. The check letter is Σ value(char i) × i for i = 2..13, mod 23, as a letter
 * of ABCDEFGHJKLMNPQRTUVWXYZ; a letter in position 13 has its place in that alphabet as its value.
 */
export function upnCheckLetter(upn: string): string | null {
  if (!/^[A-Z][0-9]{11}[0-9A-Z]$/.test(upn)) return null
  let sum = 0
  for (let i = 2; i <= 13; i++) {
    const ch = upn[i - 1]!
    const value = /[0-9]/.test(ch) ? Number(ch) : UPN_LETTERS.indexOf(ch)
    if (value < 0) return null
    sum += value * i
  }
  return UPN_LETTERS[sum % 23]!
}

export function upnProblem(upn: string): string | null {
  if (!/^[A-Z][0-9]{11}[0-9A-Z]$/.test(upn))
    return 'UPN must be 13 characters: a letter, 11 digits, then a digit or letter'
  const expected = upnCheckLetter(upn)
  if (expected === null) return 'UPN has a character that is not allowed in position 13'
  if (upn[0] !== expected) return `UPN check letter is ${upn[0]}; the other characters give ${expected}`
  return null
}

const validDate = (d: string | undefined): d is string => d !== undefined && isIsoDate(d)

export function validateSen2(ret: Sen2Return, input?: Sen2Input, today?: string): Sen2Report {
  const issues: Sen2Issue[] = []
  const on = ret.header.ReferenceDate
  const year = Number(ret.header.Year)
  const add = (rule: string, person: Sen2Person | null, element: string, message: string) =>
    issues.push({
      severity: RULES[rule]?.severity ?? 'error',
      rule,
      localId: person?.localId ?? '',
      childId: person?.childId ?? '',
      element,
      message,
    })

  // Header.
  if (!isIsoDate(on) || !Number.isInteger(year)) add('L-H4', null, 'ReferenceDate', 'ReferenceDate is not a valid date')
  else if (on !== censusDate(year))
    add('L-H2', null, 'ReferenceDate', `ReferenceDate ${on} is not the ${year} census date, ${censusDate(year)}`)
  if (!/^\d{3}$/.test(ret.header.LEA)) add('L-H3', null, 'LEA', `LEA ${ret.header.LEA} is not a 3-digit LA code`)
  const yearStart = Number.isInteger(year) ? activityPeriod(year).from : on

  const upns = new Map<string, Sen2Person>()
  const namesakes = new Map<string, Sen2Person>()
  for (const person of ret.persons) {
    const f = person.fields
    const dob = f.PersonBirthDate
    for (const element of ['Surname', 'Forename', 'PersonBirthDate', 'Sex'] as const)
      if (!f[element]) add('L-P1', person, element, `${element} is missing`)
    if (f.Sex && !(SEX_CODES as readonly string[]).includes(f.Sex))
      add('L-P2', person, 'Sex', `Sex ${f.Sex} is not M, F or U`)
    if (f.UPNunknown && !(UPN_UNKNOWN_CODES as readonly string[]).includes(f.UPNunknown))
      add('L-P2', person, 'UPNunknown', `UPNunknown ${f.UPNunknown} is not a valid code`)
    if (dob !== undefined && !isIsoDate(dob))
      add('L-H4', person, 'PersonBirthDate', 'PersonBirthDate is not a valid date')
    else if (validDate(dob) && isIsoDate(on)) {
      if (dob > on) add('L-P3', person, 'PersonBirthDate', `PersonBirthDate ${dob} is after the ReferenceDate`)
      else if (ageOn(dob, yearStart) > 25) add('L-P3', person, 'PersonBirthDate', 'older than 25 throughout the year')
    }
    if (f.UPN) {
      const problem = upnProblem(f.UPN)
      if (problem) add('L-P4', person, 'UPN', problem)
      const twin = upns.get(f.UPN)
      if (twin) add('L-P8', person, 'UPN', `the same UPN as child ${twin.localId}`)
      else upns.set(f.UPN, person)
    } else if (!f.UniqueLearnerNumber && !f.UPNunknown) {
      add('L-P6', person, 'UPN', 'no UPN, ULN or UPNunknown reason')
    }
    if (f.Surname && f.Forename && dob) {
      const key = `${f.Surname.trim().toLowerCase()}|${f.Forename.trim().toLowerCase()}|${dob}`
      const twin = namesakes.get(key)
      if (twin) add('L-X2', person, 'Person', `the same surname, forename and date of birth as child ${twin.localId}`)
      else namesakes.set(key, person)
    }

    const byRank = new Map<string, { entry: string; leaving: string | null; setting: string }[]>()
    for (const r of person.requests) {
      const rf = r.fields
      const received = rf.ReceivedDate
      for (const element of ['ReceivedDate', 'RequestOutcome', 'RYA'] as const)
        if (!rf[element]) add('L-R1', person, element, `${element} is missing`)
      if (received !== undefined && !isIsoDate(received)) add('L-H4', person, 'ReceivedDate', 'not a valid date')
      const outcome = rf.RequestOutcome
      if (outcome && !(OUTCOME_CODES as readonly string[]).includes(outcome))
        add('L-R2', person, 'RequestOutcome', `RequestOutcome ${outcome} is not Y, N, A, W or H`)
      if ((outcome === 'Y' || outcome === 'N') !== (rf.RequestOutcomeDate !== undefined))
        add('L-R3', person, 'RequestOutcomeDate', `RequestOutcomeDate must be given exactly when the outcome is Y or N`)
      if (rf.RequestSource === undefined) {
        if (year >= 2026 && outcome !== 'H') add('L-R8', person, 'RequestSource', 'RequestSource is missing')
      } else if (!(REQUEST_SOURCE_CODES as readonly string[]).includes(rf.RequestSource))
        add('L-R8', person, 'RequestSource', `RequestSource ${rf.RequestSource} is not 1–5`)
      if (validDate(received) && validDate(dob) && received < dob)
        add('L-R10', person, 'ReceivedDate', `ReceivedDate ${received} is before PersonBirthDate ${dob}`)
      const decided = rf.RequestOutcomeDate
      if (validDate(decided) && validDate(received)) {
        if (decided < received)
          add('L-R4', person, 'RequestOutcomeDate', `RequestOutcomeDate ${decided} is before ReceivedDate ${received}`)
        else if (daysBetween(received, decided) > 42)
          add('L-R6', person, 'RequestOutcomeDate', `decision ${daysBetween(received, decided)} days after the request`)
      }
      if (validDate(decided) && decided > on)
        add('L-R4', person, 'RequestOutcomeDate', `RequestOutcomeDate ${decided} is after the ReferenceDate`)
      if (r.assessment && (outcome === 'N' || outcome === 'A' || outcome === 'W'))
        add('L-R7', person, 'Assessment', `an Assessment under a request with outcome ${outcome}`)

      const a = r.assessment
      if (a) {
        const af = a.fields
        const ao = af.AssessmentOutcome
        const aDate = af.AssessmentOutcomeDate
        if (!ao || !(OUTCOME_CODES as readonly string[]).includes(ao))
          add('L-A1', person, 'AssessmentOutcome', `AssessmentOutcome ${ao ?? '(missing)'} is not Y, N, A, W or H`)
        if (ao === 'N' && aDate === undefined)
          add('L-A2', person, 'AssessmentOutcomeDate', 'AssessmentOutcomeDate is missing for outcome N')
        if ((ao === 'A' || ao === 'W' || ao === 'H') && aDate !== undefined)
          add('L-A2', person, 'AssessmentOutcomeDate', `AssessmentOutcomeDate given for outcome ${ao}`)
        if (validDate(aDate)) {
          if (validDate(received) && aDate < received)
            add(
              'L-A3',
              person,
              'AssessmentOutcomeDate',
              `AssessmentOutcomeDate ${aDate} is before ReceivedDate ${received}`,
            )
          else if (validDate(decided) && aDate < decided)
            add(
              'L-A3',
              person,
              'AssessmentOutcomeDate',
              `AssessmentOutcomeDate ${aDate} is before RequestOutcomeDate ${decided}`,
            )
          if (aDate > on)
            add('L-A3', person, 'AssessmentOutcomeDate', `AssessmentOutcomeDate ${aDate} is after the ReferenceDate`)
          if (validDate(received) && aDate >= received) {
            const days = daysBetween(received, aDate)
            if (ao === 'Y' && af.Week20 === '0' && days > 140)
              add('L-A6', person, 'AssessmentOutcomeDate', `plan issued ${days} days after the request, no exception`)
            if (ao === 'N' && days > 112)
              add('L-A7', person, 'AssessmentOutcomeDate', `decision not to issue ${days} days after the request`)
          }
        }
        if (ao === 'Y' && aDate !== undefined && !a.namedPlan)
          add('L-A4', person, 'NamedPlan', 'a plan was issued but no NamedPlan is linked to the request')
        if ((ao === 'N' || ao === 'A' || ao === 'W') && a.namedPlan)
          add('L-A4', person, 'NamedPlan', `a NamedPlan under an assessment with outcome ${ao}`)
        if (ao === 'Y' && af.Week20 !== '0' && af.Week20 !== '1')
          add('L-A5', person, 'Week20', 'Week20 must be 0 or 1 when the outcome is Y')
        if (outcome === 'H' && ao !== 'H')
          add('L-A8', person, 'AssessmentOutcome', `RequestOutcome H but AssessmentOutcome ${ao ?? '(missing)'}`)

        const plan = a.namedPlan
        if (plan) {
          const pf = plan.fields
          const start = pf.StartDate
          if (!validDate(start)) add('L-N1', person, 'StartDate', 'StartDate is missing or not a valid date')
          else {
            if (start > on) add('L-N1', person, 'StartDate', `StartDate ${start} is after the ReferenceDate`)
            if (ao === 'Y' && validDate(aDate) && start < aDate)
              add('L-N2', person, 'StartDate', `StartDate ${start} is before the AssessmentOutcomeDate ${aDate}`)
          }
          if ((pf.CeaseDate === undefined) !== (pf.CeaseReason === undefined))
            add(
              'L-N3',
              person,
              pf.CeaseDate === undefined ? 'CeaseDate' : 'CeaseReason',
              pf.CeaseDate === undefined ? 'CeaseReason without a CeaseDate' : 'CeaseDate without a CeaseReason',
            )
          if (pf.CeaseReason !== undefined && !(CEASE_REASON_CODES as readonly string[]).includes(pf.CeaseReason))
            add('L-N3', person, 'CeaseReason', `CeaseReason ${pf.CeaseReason} is not 1–9`)
          if (validDate(pf.CeaseDate)) {
            if (validDate(start) && pf.CeaseDate < start)
              add('L-N4', person, 'CeaseDate', `CeaseDate ${pf.CeaseDate} is before StartDate ${start}`)
            if (pf.CeaseDate > on)
              add('L-N4', person, 'CeaseDate', `CeaseDate ${pf.CeaseDate} is after the ReferenceDate`)
            if (pf.CeaseReason === '1' && validDate(dob) && dob <= pf.CeaseDate && ageOn(dob, pf.CeaseDate) < 19)
              add('L-N5', person, 'CeaseReason', 'ceased at maximum age, but the young person was under 19')
          }
          if (
            plan.details.length < 1 ||
            plan.details.length > 2 ||
            plan.details.filter(d => d.PlacementRank === '1').length !== 1
          )
            add('L-N8', person, 'PlanDetail', 'a plan needs one or two PlanDetail, exactly one of rank 1')
          for (const d of plan.details) {
            const ids = [d.URN, d.UKPRN, d.SENsetting].filter(v => v !== undefined)
            if (ids.length !== 1) add('L-N9', person, 'PlanDetail', 'needs exactly one of URN, UKPRN or SENsetting')
            if (d.URN !== undefined && !/^\d{6}$/.test(d.URN))
              add('L-N10', person, 'URN', `URN ${d.URN} is not 6 digits`)
            if (d.SENsetting !== undefined && !(SEN_SETTINGS as readonly string[]).includes(d.SENsetting))
              add('L-N9', person, 'SENsetting', `SENsetting ${d.SENsetting} is not a valid code`)
            if (d.SENsetting === 'OTH' || d.SENsetting === 'NIEO')
              add('L-N11', person, 'SENsetting', `SENsetting ${d.SENsetting}: COLLECT will ask for more detail`)
          }
          const active = start !== undefined && start <= on && pf.CeaseDate === undefined
          const ap = r.activePlans
          if (active && (!ap || ap.placements.length === 0))
            add('L-AP2', person, 'PlacementDetail', 'a plan in force on the ReferenceDate has no placement')
          if (active && (!ap || ap.needs.length === 0))
            add('L-AP2', person, 'SENneed', 'a plan in force on the ReferenceDate has no SEN need')
          if (active && validDate(start) && isIsoDate(on) && start <= addDays(on, -366)) {
            const meeting = ap?.fields.ReviewMeeting
            if (!validDate(meeting) || meeting <= addDays(on, -366))
              add(
                'L-AP5',
                person,
                'ReviewMeeting',
                'no annual review meeting in the 12 months before the ReferenceDate',
              )
          }
        }
      }

      const ap = r.activePlans
      if (ap) {
        const { ReviewMeeting: meeting, ReviewOutcome: reviewOutcome, LastReview: last } = ap.fields
        if (validDate(meeting) && meeting > on)
          add('L-AP4', person, 'ReviewMeeting', `ReviewMeeting ${meeting} is after the ReferenceDate`)
        if (validDate(meeting) && validDate(last) && last < meeting)
          add('L-AP4', person, 'LastReview', `LastReview ${last} is before ReviewMeeting ${meeting}`)
        if (
          reviewOutcome !== undefined &&
          (!meeting || !(REVIEW_OUTCOMES as readonly string[]).includes(reviewOutcome))
        )
          add(
            'L-AP4',
            person,
            'ReviewOutcome',
            `ReviewOutcome ${reviewOutcome} needs a ReviewMeeting and must be A, C or M`,
          )
        for (const p of ap.placements) {
          const ids = [p.URN, p.UKPRN, p.SENsetting].filter(v => v !== undefined)
          if (ids.length !== 1 || (p.PlacementRank !== '1' && p.PlacementRank !== '2') || !validDate(p.EntryDate))
            add(
              'L-PD1',
              person,
              'PlacementDetail',
              'needs one of URN, UKPRN or SENsetting, a rank of 1 or 2 and an EntryDate',
            )
          if (p.URN !== undefined && !/^\d{6}$/.test(p.URN)) add('L-N10', person, 'URN', `URN ${p.URN} is not 6 digits`)
          if (validDate(p.EntryDate) && p.EntryDate > on)
            add('L-PD2', person, 'EntryDate', `EntryDate ${p.EntryDate} is after the ReferenceDate`)
          if (validDate(p.LeavingDate)) {
            if (validDate(p.EntryDate) && p.LeavingDate < p.EntryDate)
              add('L-PD2', person, 'LeavingDate', `LeavingDate ${p.LeavingDate} is before EntryDate ${p.EntryDate}`)
            if (p.LeavingDate >= on)
              add('L-PD2', person, 'LeavingDate', `LeavingDate ${p.LeavingDate} is not before the ReferenceDate`)
          }
          if (validDate(p.EntryDate) && p.PlacementRank) {
            const spells = byRank.get(p.PlacementRank) ?? []
            spells.push({
              entry: p.EntryDate,
              leaving: validDate(p.LeavingDate) ? p.LeavingDate : null,
              setting: p.URN ?? p.UKPRN ?? p.SENsetting ?? '',
            })
            byRank.set(p.PlacementRank, spells)
          }
        }
        const needs = ap.needs
        const ranks = needs.map(n => n.SENtypeRank)
        if (
          needs.length > 2 ||
          (needs.length > 0 && !ranks.includes('1')) ||
          new Set(ranks).size !== ranks.length ||
          ranks.some(rank => rank !== '1' && rank !== '2')
        )
          add('L-SN1', person, 'SENtypeRank', 'one or two SENneed, ranked 1 and 2')
        for (const n of needs) {
          const valid =
            (SEN_TYPES as readonly string[]).includes(n.SENtype ?? '') && !(n.SENtype === 'DS' && year < 2025)
          if (!valid) add('L-SN1', person, 'SENtype', `SENtype ${n.SENtype ?? '(missing)'} is not a valid code`)
        }
        const types = needs.map(n => n.SENtype)
        if (new Set(types).size !== types.length) add('L-SN2', person, 'SENtype', 'the same SENtype twice')
      }
    }
    // L-PD3: placements of the same rank for the same person must not overlap (a handover on one day is allowed).
    const seen = new Set<string>()
    for (const [rank, spells] of byRank) {
      const unique = spells.filter(s => {
        const key = `${s.setting}|${s.entry}|${s.leaving}`
        if (seen.has(`${rank}|${key}`)) return false
        seen.add(`${rank}|${key}`)
        return true
      })
      unique.sort((a, b) => (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0))
      for (let i = 1; i < unique.length; i++) {
        const prev = unique[i - 1]!
        const next = unique[i]!
        if (prev.leaving === null || prev.leaving > next.entry) {
          add(
            'L-PD3',
            person,
            'PlacementDetail',
            `rank ${rank} placements overlap: one from ${prev.entry}${prev.leaving ? ` to ${prev.leaving}` : ' (still open)'}, another from ${next.entry}`,
          )
          break
        }
      }
    }
  }

  // L-X1: dates recorded after today, on the records behind the people in the return.
  if (input && today && isIsoDate(today)) {
    const inReturn = new Map(ret.persons.map(p => [p.childId, p]))
    const future = (childId: string, element: string, date: string | null | undefined) => {
      const person = inReturn.get(childId)
      if (person && date && date > today) add('L-X1', person, element, `${element} ${date} is after today`)
    }
    for (const c of input.children) future(c.id, 'PersonBirthDate', c.dateOfBirth)
    for (const r of input.requests) {
      future(r.childId, 'ReceivedDate', r.receivedOn)
      future(r.childId, 'RequestOutcomeDate', r.decisionOn)
      future(r.childId, 'AssessmentOutcomeDate', r.finalIssuedOn ?? r.outcomeOn)
    }
    for (const p of input.plans) {
      future(p.childId, 'StartDate', p.issuedOn)
      future(p.childId, 'CeaseDate', p.ceasedOn)
    }
    for (const p of input.placements) future(p.childId, 'EntryDate', p.startDate)
  }

  issues.sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      (a.localId < b.localId ? -1 : a.localId > b.localId ? 1 : 0) ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  )
  const errors = issues.filter(i => i.severity === 'error').length
  return { issues, errors, queries: issues.length - errors }
}
