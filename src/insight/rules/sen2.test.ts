import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { addDays } from '../../platform/time/dates.ts'
import {
  buildSen2,
  censusDate,
  countSen2,
  escapeXml,
  MODULES,
  moduleTable,
  senSettingFor,
  toXml,
  type Sen2Child,
  type Sen2Input,
  type Sen2PlacementRecord,
  type Sen2PlanRecord,
  type Sen2RequestRecord,
} from './sen2.ts'
import { upnCheckLetter, upnProblem, validateSen2 } from './sen2-validate.ts'
import { allNamed, childrenNamed, parseXml, valueOf } from './sen2-xml.ts'

const ON = '2026-01-15'
const OPTIONS = { referenceDate: ON, laCode: '332', generatedAt: '2026-02-03T10:15:00' }

const child = (id: string, over: Partial<Sen2Child> = {}): Sen2Child => ({
  id,
  localId: id.toUpperCase(),
  forename: 'Alex',
  surname: 'Example',
  dateOfBirth: '2016-05-12',
  sex: 'F',
  upn: 'R332200016123',
  ...over,
})

const request = (id: string, childId: string, over: Partial<Sen2RequestRecord> = {}): Sen2RequestRecord => ({
  id,
  childId,
  source: 'school',
  receivedOn: '2025-02-05',
  decision: 'assess',
  decisionOn: '2025-03-11',
  outcome: 'issue_plan',
  outcomeOn: '2025-05-20',
  finalIssuedOn: '2025-06-17',
  withdrawnOn: null,
  planId: `plan-${id}`,
  hasException: false,
  ...over,
})

const plan = (id: string, childId: string, over: Partial<Sen2PlanRecord> = {}): Sen2PlanRecord => ({
  id,
  childId,
  requestId: null,
  issuedOn: '2025-06-17',
  namedSettingId: 'school-1',
  namedSettingUrn: '123456',
  namedSettingType: null,
  ceasedOn: null,
  ceaseReason: null,
  needs: [
    { rank: 1, code: 'SLCN' },
    { rank: 2, code: 'ASD' },
  ],
  reviews: [],
  ...over,
})

const placement = (id: string, childId: string, over: Partial<Sen2PlacementRecord> = {}): Sen2PlacementRecord => ({
  id,
  childId,
  settingId: 'school-1',
  urn: '123456',
  rank: 1,
  startDate: '2022-09-05',
  endDate: null,
  resourcedProvision: false,
  ...over,
})

/** sen2.md section 5's worked example, moved to the 2026 collection. */
function example(): Sen2Input {
  return {
    children: [child('c1')],
    requests: [request('r1', 'c1', { planId: 'p1' })],
    plans: [plan('p1', 'c1', { requestId: 'r1' })],
    placements: [placement('pl1', 'c1')],
    disputes: [],
  }
}

describe('SEN2 dates', () => {
  it('puts the census on the third Thursday of January, as sen2.md 1.2 lists', () => {
    assert.deepEqual([2023, 2024, 2025, 2026, 2027].map(censusDate), [
      '2023-01-19',
      '2024-01-18',
      '2025-01-16',
      '2026-01-15',
      '2027-01-21',
    ])
  })
})

describe('the UPN check letter (L-P4)', () => {
  it('accepts the worked example and the fixture UPN, and rejects a changed digit', () => {
    assert.equal(upnCheckLetter('R332200016123'), 'R')
    assert.equal(upnProblem('R332200016123'), null)
    assert.match(upnProblem('R332200016124')!, /check letter/)
    assert.match(upnProblem('R33220001612')!, /13 characters/)
  })
})

describe('building the return', () => {
  it('gives the worked example its elements and values', () => {
    const ret = buildSen2(example(), OPTIONS)
    const root = parseXml(toXml(ret))
    assert.equal(root.name, 'Message')
    const header = childrenNamed(root, 'Header')[0]!
    assert.equal(valueOf(childrenNamed(header, 'CollectionDetails')[0]!, 'ReferenceDate'), ON)
    assert.equal(valueOf(childrenNamed(header, 'CollectionDetails')[0]!, 'Year'), '2026')
    assert.equal(valueOf(childrenNamed(header, 'Source')[0]!, 'LEA'), '332')
    const person = allNamed(root, 'Person')[0]!
    assert.deepEqual(
      person.children.slice(0, 5).map(e => [e.name, e.text]),
      [
        ['Surname', 'Example'],
        ['Forename', 'Alex'],
        ['PersonBirthDate', '2016-05-12'],
        ['Sex', 'F'],
        ['UPN', 'R332200016123'],
      ],
    )
    const req = childrenNamed(person, 'Requests')[0]!
    assert.deepEqual(
      req.children.filter(e => !e.children.length).map(e => [e.name, e.text]),
      [
        ['ReceivedDate', '2025-02-05'],
        ['RequestSource', '2'],
        ['RYA', '0'],
        ['RequestOutcomeDate', '2025-03-11'],
        ['RequestOutcome', 'Y'],
        ['RequestMediation', '0'],
        ['RequestTribunal', '0'],
      ],
    )
    const assessment = childrenNamed(req, 'Assessment')[0]!
    assert.equal(valueOf(assessment, 'AssessmentOutcome'), 'Y')
    assert.equal(valueOf(assessment, 'AssessmentOutcomeDate'), '2025-06-17')
    assert.equal(valueOf(assessment, 'Week20'), '0')
    const named = childrenNamed(assessment, 'NamedPlan')[0]!
    assert.equal(valueOf(named, 'StartDate'), '2025-06-17')
    assert.equal(valueOf(childrenNamed(named, 'PlanDetail')[0]!, 'URN'), '123456')
    const active = childrenNamed(req, 'ActivePlans')[0]!
    const placementEl = childrenNamed(active, 'PlacementDetail')[0]!
    assert.equal(valueOf(placementEl, 'EntryDate'), '2022-09-05')
    assert.equal(valueOf(placementEl, 'LeavingDate'), undefined)
    assert.deepEqual(
      childrenNamed(active, 'SENneed').map(n => [valueOf(n, 'SENtype'), valueOf(n, 'SENtypeRank')]),
      [
        ['SLCN', '1'],
        ['ASD', '2'],
      ],
    )
    assert.deepEqual(validateSen2(ret).issues, [])
  })

  it('reads every record as at the reference date and codes the outcomes', () => {
    const input: Sen2Input = {
      children: [child('a'), child('b', { upn: null, dateOfBirth: '2022-01-01' }), child('c'), child('d'), child('e')],
      requests: [
        // Refused in the year.
        request('ra', 'a', {
          decision: 'not_assess',
          outcome: null,
          outcomeOn: null,
          finalIssuedOn: null,
          planId: null,
        }),
        // Received in the year, decided after the census: not yet decided (A).
        request('rb', 'b', {
          receivedOn: '2025-12-10',
          decisionOn: '2026-01-20',
          outcome: null,
          outcomeOn: null,
          finalIssuedOn: null,
          planId: null,
        }),
        // Withdrawn before a decision.
        request('rc', 'c', {
          decision: null,
          decisionOn: null,
          outcome: null,
          outcomeOn: null,
          finalIssuedOn: null,
          withdrawnOn: '2025-03-01',
          planId: null,
        }),
        // Finished before the year and with no plan: left out.
        request('rd', 'd', {
          receivedOn: '2023-01-05',
          decision: 'not_assess',
          decisionOn: '2023-02-01',
          outcome: null,
          outcomeOn: null,
          finalIssuedOn: null,
          planId: null,
        }),
      ],
      // A plan from before the system, ceased in the year; and one ceased before the year (left out).
      plans: [
        plan('pe', 'e', { issuedOn: '2019-03-01', ceasedOn: '2025-07-31', ceaseReason: 5 }),
        plan('pd', 'd', { issuedOn: '2018-03-01', ceasedOn: '2024-07-31', ceaseReason: 2 }),
      ],
      placements: [placement('ple', 'e', { startDate: '2019-09-01', endDate: '2025-07-20' })],
      disputes: [],
    }
    const ret = buildSen2(input, OPTIONS)
    assert.deepEqual(
      ret.persons.map(p => [p.localId, p.requests.map(r => r.fields.RequestOutcome)]),
      [
        ['A', ['N']],
        ['B', ['A']],
        ['C', ['W']],
        ['E', ['H']],
      ],
    )
    assert.equal(ret.persons[0]!.requests[0]!.assessment, null)
    assert.equal(ret.persons[1]!.fields.UPNunknown, 'UN1')
    const e = ret.persons[3]!.requests[0]!
    assert.equal(e.assessment!.fields.AssessmentOutcome, 'H')
    assert.deepEqual(e.assessment!.namedPlan!.fields, {
      StartDate: '2019-03-01',
      CeaseDate: '2025-07-31',
      CeaseReason: '5',
    })
    assert.equal(e.activePlans!.placements[0]!.LeavingDate, '2025-07-20')
    const counts = countSen2(ret)
    assert.equal(counts.plansInForce, 0)
    assert.equal(counts.namedPlans, 1)
  })

  it('maps a type of setting named without a setting to SENsetting', () => {
    assert.equal(senSettingFor('No setting named: not currently placed'), 'NIEO')
    assert.equal(senSettingFor('Elective home education'), 'EHE')
    assert.equal(senSettingFor('Mainstream school'), 'OTH')
  })

  it('escapes text', () => {
    assert.equal(escapeXml(`O'Neil & <Sons> "x"\u0001`), 'O&apos;Neil &amp; &lt;Sons&gt; &quot;x&quot;')
  })
})

// ---------------------------------------------------------------------------------------------
// Properties

const day = (from: string, span: number) => fc.integer({ min: 0, max: span }).map(n => addDays(from, n))
const messyDate = fc.oneof(
  { weight: 8, arbitrary: day('2000-01-01', 10_000) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
)
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null })
const ids = ['a', 'b', 'c', 'd']
const anyId = fc.constantFrom(...ids)
const text = fc.string({ unit: 'binary', maxLength: 20 })

const arbitraryInput: fc.Arbitrary<Sen2Input> = fc.record({
  children: fc.uniqueArray(
    fc.record({
      id: anyId,
      localId: fc.oneof(anyId, text),
      forename: text,
      surname: text,
      dateOfBirth: messyDate,
      sex: fc.oneof(fc.constantFrom('M', 'F', 'U'), text),
      upn: maybe(fc.oneof(fc.constant('R332200016123'), fc.stringMatching(/^[A-Z][0-9]{11}[0-9A-Z]$/), text)),
    }),
    { selector: c => c.id, maxLength: 4 },
  ),
  requests: fc.array(
    fc.record({
      id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5'),
      childId: anyId,
      source: fc.oneof(fc.constantFrom('parent', 'school', 'health', 'other'), text),
      receivedOn: messyDate,
      decision: fc.constantFrom('assess', 'not_assess', null),
      decisionOn: maybe(messyDate),
      outcome: fc.constantFrom('issue_plan', 'no_plan', null),
      outcomeOn: maybe(messyDate),
      finalIssuedOn: maybe(messyDate),
      withdrawnOn: maybe(messyDate),
      planId: maybe(fc.constantFrom('p1', 'p2', 'p3')),
      hasException: fc.boolean(),
    }),
    { maxLength: 6 },
  ),
  plans: fc.array(
    fc.record({
      id: fc.constantFrom('p1', 'p2', 'p3'),
      childId: anyId,
      requestId: maybe(fc.constantFrom('r1', 'r2', 'r3')),
      issuedOn: messyDate,
      namedSettingId: maybe(fc.constantFrom('s1', 's2')),
      namedSettingUrn: maybe(fc.oneof(fc.stringMatching(/^[0-9]{6,7}$/), text)),
      namedSettingType: maybe(text),
      ceasedOn: maybe(messyDate),
      ceaseReason: maybe(fc.integer({ min: -1, max: 12 })),
      needs: fc.array(
        fc.record({
          rank: fc.integer({ min: 0, max: 3 }),
          code: fc.oneof(fc.constantFrom('SLCN', 'ASD', 'NSA'), text),
        }),
        { maxLength: 3 },
      ),
      reviews: fc.array(
        fc.record({
          meetingOn: messyDate,
          decision: fc.constantFrom('keep', 'amend', 'cease', null),
          decisionOn: maybe(messyDate),
        }),
        { maxLength: 2 },
      ),
    }),
    { maxLength: 4 },
  ),
  placements: fc.array(
    fc.record({
      id: fc.constantFrom('x1', 'x2', 'x3', 'x4'),
      childId: anyId,
      settingId: fc.constantFrom('s1', 's2'),
      urn: fc.oneof(fc.stringMatching(/^[0-9]{6}$/), text),
      rank: fc.integer({ min: 1, max: 2 }),
      startDate: messyDate,
      endDate: maybe(messyDate),
      resourcedProvision: fc.boolean(),
    }),
    { maxLength: 5 },
  ),
  disputes: fc.array(
    fc.record({
      kind: fc.constantFrom('mediation', 'tribunal'),
      childId: anyId,
      requestId: maybe(fc.constantFrom('r1', 'r2')),
      planId: maybe(fc.constantFrom('p1', 'p2')),
      decisionKind: fc.constantFrom('not_to_assess', 'not_to_issue', 'plan_content', 'cease'),
      on: messyDate,
    }),
    { maxLength: 3 },
  ),
}) as fc.Arbitrary<Sen2Input>

const referenceDate = fc.oneof(fc.constant(ON), day('2023-01-01', 1500))

const XML_ELEMENT_OF: Record<string, string> = {
  '1': 'Person',
  '2': 'Requests',
  '3': 'Assessment',
  '4a': 'NamedPlan',
  '4b': 'PlanDetail',
  '5a': 'ActivePlans',
  '5b': 'PlacementDetail',
  '5c': 'SENneed',
}

describe('SEN2 properties', () => {
  it('always writes XML that parses back, with every person and the module counts in the CSVs', () => {
    fc.assert(
      fc.property(arbitraryInput, referenceDate, (input, on) => {
        const ret = buildSen2(input, { ...OPTIONS, referenceDate: on })
        const root = parseXml(toXml(ret))
        const people = allNamed(root, 'Person')
        const module1 = moduleTable(ret, '1')
        assert.equal(people.length, module1.rows.length)
        const column = (name: string) => module1.header.indexOf(name)
        people.forEach((p, i) => {
          const row = module1.rows[i]!
          for (const name of ['Surname', 'Forename', 'PersonBirthDate', 'UPN'])
            assert.equal(
              valueOf(p, name) ?? '',
              row[column(name)]!.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, ''),
            )
          assert.equal(row[0], ret.persons[i]!.localId)
        })
        for (const module of MODULES)
          assert.equal(allNamed(root, XML_ELEMENT_OF[module]!).length, moduleTable(ret, module).rows.length, module)
        const counts = countSen2(ret)
        assert.equal(allNamed(root, 'Requests').length, counts.requests)
        assert.equal(allNamed(root, 'NamedPlan').length, counts.namedPlans)
      }),
      { numRuns: 300 },
    )
  })

  it('never throws when validating arbitrary records', () => {
    fc.assert(
      fc.property(arbitraryInput, referenceDate, (input, on) => {
        const ret = buildSen2(input, { ...OPTIONS, referenceDate: on })
        const report = validateSen2(ret, input, '2026-11-23')
        assert.equal(report.errors + report.queries, report.issues.length)
        for (const i of report.issues) assert.ok(i.rule.startsWith('L-'))
      }),
      { numRuns: 300 },
    )
  })

  // A request taken to a plan, with every date in the activity period and in order; then one pair
  // of dates put out of order, which must give the rule that checks that pair.
  const ordered = fc
    .tuple(fc.integer({ min: 0, max: 60 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 5, maxLength: 5 }))
    .map(([start, gaps]) => {
      let d = addDays('2025-01-10', start)
      const next = (i: number) => (d = addDays(d, gaps[i]!))
      return { received: d, decided: next(0), outcome: next(1), issued: next(2), ceased: next(3), last: next(4) }
    })
  const OUT_OF_ORDER = [
    { name: 'decision before the request', rule: 'L-R4' },
    { name: 'plan issued before the decision to assess', rule: 'L-A3' },
    { name: 'plan start before the plan issued', rule: 'L-N2' },
    { name: 'cease before start', rule: 'L-N4' },
    { name: 'leaving before entry', rule: 'L-PD2' },
    { name: 'review decision before the meeting', rule: 'L-AP4' },
    { name: 'request before birth', rule: 'L-R10' },
  ] as const

  it('reports the expected error for a record with dates out of order', () => {
    fc.assert(
      fc.property(ordered, fc.constantFrom(...OUT_OF_ORDER), (d, fault) => {
        const r = request('r1', 'c1', {
          receivedOn: d.received,
          decisionOn: d.decided,
          outcomeOn: d.outcome,
          finalIssuedOn: d.issued,
          planId: 'p1',
        })
        const p = plan('p1', 'c1', {
          requestId: 'r1',
          issuedOn: d.issued,
          reviews: [{ meetingOn: d.ceased, decision: 'keep', decisionOn: d.last }],
        })
        const pl = placement('x1', 'c1', { startDate: d.received, endDate: null })
        const c = child('c1', { dateOfBirth: '2016-05-12' })
        switch (fault.rule) {
          case 'L-R4':
            r.decisionOn = addDays(d.received, -1)
            break
          case 'L-A3':
            r.finalIssuedOn = addDays(d.decided, -1)
            p.issuedOn = r.finalIssuedOn
            break
          case 'L-N2':
            p.issuedOn = addDays(d.issued, -1)
            break
          case 'L-N4':
            p.ceasedOn = addDays(d.issued, -1)
            p.ceaseReason = 2
            p.issuedOn = d.issued
            break
          case 'L-PD2':
            pl.endDate = addDays(d.received, -1)
            pl.startDate = d.received
            break
          case 'L-AP4':
            p.reviews = [{ meetingOn: d.last, decision: 'keep', decisionOn: d.ceased }]
            break
          case 'L-R10':
            c.dateOfBirth = addDays(d.received, 1)
            break
        }
        const ret = buildSen2({ children: [c], requests: [r], plans: [p], placements: [pl], disputes: [] }, OPTIONS)
        const rules = validateSen2(ret).issues.map(i => i.rule)
        assert.ok(rules.includes(fault.rule), `${fault.name}: expected ${fault.rule}, got ${rules.join(', ')}`)
      }),
      { numRuns: 200 },
    )
  })

  it('finds no error in an ordered record', () => {
    fc.assert(
      fc.property(ordered, d => {
        const ret = buildSen2(
          {
            children: [child('c1')],
            requests: [
              request('r1', 'c1', {
                receivedOn: d.received,
                decisionOn: d.decided,
                outcomeOn: d.outcome,
                finalIssuedOn: d.issued,
                planId: 'p1',
                hasException: true,
              }),
            ],
            plans: [plan('p1', 'c1', { requestId: 'r1', issuedOn: d.issued })],
            placements: [placement('x1', 'c1')],
            disputes: [],
          },
          OPTIONS,
        )
        const errors = validateSen2(ret).issues.filter(i => i.severity === 'error')
        assert.deepEqual(errors, [])
      }),
    )
  })

  it('reports a cease date without a reason, a plan in force with no placement or need, duplicates and future dates', () => {
    const input = example()
    input.plans[0]!.ceasedOn = '2025-12-01'
    input.plans[0]!.ceaseReason = null
    input.children.push(child('c2', { localId: 'C2' }), child('c3', { localId: 'C3', upn: null, surname: 'Other' }))
    input.requests.push(request('r3', 'c3', { planId: 'p3', finalIssuedOn: '2025-06-17' }))
    input.plans.push(plan('p3', 'c3', { requestId: 'r3', needs: [] }))
    input.plans.push(plan('p2', 'c2', { issuedOn: '2027-03-01' }))
    input.requests.push(request('r2', 'c2', { planId: null, decision: null, decisionOn: null, outcome: null }))
    input.requests[2]!.outcomeOn = null
    input.requests[2]!.finalIssuedOn = '2027-03-01'
    const report = validateSen2(buildSen2(input, OPTIONS), input, '2026-11-23')
    const found = report.issues.map(i => `${i.rule} ${i.localId} ${i.element}`)
    assert.ok(found.includes('L-N3 C1 CeaseReason'), found.join())
    assert.ok(found.includes('L-AP2 C3 PlacementDetail'), found.join())
    assert.ok(found.includes('L-AP2 C3 SENneed'), found.join())
    assert.ok(found.includes('L-P8 C2 UPN'), 'C1 and C2 share a UPN')
    assert.ok(found.includes('L-X2 C2 Person'), 'C1 and C2 share a name and birth date')
    assert.ok(found.includes('L-X1 C2 StartDate'), found.join())
    assert.deepEqual(
      report.issues.map(i => i.severity),
      [...report.issues.map(i => i.severity)].sort(),
      'errors first',
    )
  })

  it('sets the mediation and tribunal flags from the disputes about a request or its plan', () => {
    const input = example()
    input.disputes = [
      {
        kind: 'tribunal',
        childId: 'c1',
        requestId: null,
        planId: 'p1',
        decisionKind: 'plan_content',
        on: '2025-09-01',
      },
      {
        kind: 'mediation',
        childId: 'c1',
        requestId: 'r1',
        planId: null,
        decisionKind: 'not_to_issue',
        on: '2025-05-01',
      },
      {
        kind: 'mediation',
        childId: 'c1',
        requestId: 'r1',
        planId: null,
        decisionKind: 'not_to_assess',
        on: '2026-02-01',
      },
    ]
    const r = buildSen2(input, OPTIONS).persons[0]!.requests[0]!
    assert.equal(r.fields.RequestMediation, '0', 'the mediation after the reference date does not count')
    assert.equal(r.assessment!.fields.AssessmentMediation, '1')
    assert.equal(r.assessment!.fields.OtherTribunal, '1')
    assert.equal(r.assessment!.fields.OtherMediation, '0')
  })

  it('reports overlapping placements of the same rank, an invalid need and a missing UPN', () => {
    const input = example()
    input.children[0]!.upn = null
    input.plans[0]!.needs = [{ rank: 1, code: 'NSA' }]
    input.placements.push(placement('pl2', 'c1', { settingId: 's2', urn: '654321', startDate: '2024-09-01' }))
    const rules = validateSen2(buildSen2(input, OPTIONS)).issues.map(i => `${i.rule} ${i.element}`)
    assert.ok(rules.includes('L-P6 UPN'), rules.join())
    assert.ok(rules.includes('L-SN1 SENtype'), rules.join())
    assert.ok(rules.includes('L-PD3 PlacementDetail'), rules.join())
  })
})
