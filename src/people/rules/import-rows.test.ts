import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { stringify } from 'csv-stringify/sync'
import fc from 'fast-check'
import { toIso } from '../../platform/time/dates.ts'
import {
  COLUMNS,
  GOVERNANCES,
  IMPORT_KINDS,
  parseChildren,
  parseImport,
  parsePlacements,
  parseSettings,
  PHASES,
  SETTING_TYPES,
  type ChildRow,
  type ImportKind,
  type PlacementRow,
  type SettingRow,
} from './import-rows.ts'
import { NEED_CODES } from './needs.ts'
import { upnCheckLetter } from './upn.ts'

const TODAY = '2026-11-23'
const CHILD_HEADER = COLUMNS.children.join(',')

function csv(kind: ImportKind, rows: Record<string, unknown>[]): string {
  const cell = (v: unknown) => (v === null ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v))
  return stringify([COLUMNS[kind] as readonly string[], ...rows.map(r => COLUMNS[kind].map(c => cell(r[c])))], {
    record_delimiter: 'windows',
  })
}

// ---- generators of valid rows ----
const dateBetween = (min: string, max: string) =>
  fc.date({ min: new Date(`${min}T00:00:00Z`), max: new Date(`${max}T00:00:00Z`), noInvalidDate: true }).map(toIso)
const text = (max: number) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: max })
    .map(s => s.trim())
    .filter(s => s.length > 0 && s.length <= max && !/\p{Cc}/u.test(s))
const urn = fc.stringMatching(/^[0-9]{6,7}$/)
const localId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,19}$/)
const LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ'
const upn = fc
  .tuple(fc.stringMatching(/^[0-9]{11}$/), fc.constantFrom(...'0123456789', ...LETTERS))
  .map(([digits, last]) => upnCheckLetter(digits + last) + digits + last)

const setting: fc.Arbitrary<SettingRow> = fc.record({
  urn,
  name: text(200),
  setting_type: fc.constantFrom(...SETTING_TYPES),
  phase: fc.constantFrom(...PHASES),
  governance: fc.constantFrom(...GOVERNANCES),
  locality_code: fc.option(fc.stringMatching(/^[A-Z]{1,4}$/), { nil: null }),
  out_of_area: fc.boolean(),
  resource_base_places: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: null }),
})

const SPECIFIC = NEED_CODES.filter(c => c !== 'NSA')
const child: fc.Arbitrary<ChildRow> = fc
  .record({
    local_id: localId,
    upn: fc.option(upn, { nil: null }),
    first_name: text(100),
    last_name: text(100),
    date_of_birth: dateBetween('1995-01-01', TODAY),
    sex: fc.constantFrom('M' as const, 'F' as const, 'U' as const),
    sen_status: fc.constantFrom('ehcp' as const, 'sen_support' as const, 'none' as const),
    start: fc.double({ min: 0, max: 1, noNaN: true }),
    needs: fc.uniqueArray(fc.constantFrom(...SPECIFIC), { minLength: 1, maxLength: 2 }),
    nsa: fc.boolean(),
  })
  .map(({ start, needs, nsa, ...row }) => {
    const born = Date.parse(row.date_of_birth)
    const ehcpStart = toIso(new Date(born + Math.floor((Date.parse(TODAY) - born) * start)))
    const primary = row.sen_status === 'sen_support' && nsa ? ('NSA' as const) : needs[0]!
    return {
      ...row,
      ehcp_start_date: row.sen_status === 'ehcp' ? ehcpStart : null,
      primary_need: row.sen_status === 'none' ? null : primary,
      secondary_need: row.sen_status === 'none' || primary === 'NSA' ? null : (needs[1] ?? null),
    }
  })

const placement = (localId: string, upnOrNull: string | null): fc.Arbitrary<PlacementRow> =>
  fc
    .record({
      useId: fc.boolean(),
      urn,
      start_date: dateBetween('2000-01-01', '2030-12-31'),
      days: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: null }),
      rank: fc.constantFrom(1 as const, 2 as const),
      resourced_provision: fc.boolean(),
    })
    .map(({ useId, days, ...row }) => ({
      ...row,
      local_id: useId || !upnOrNull ? localId : null,
      upn: upnOrNull,
      end_date: days === null ? null : toIso(new Date(Date.parse(row.start_date) + days * 86_400_000)),
    }))

const withLines = <T>(rows: T[]) => rows.map((row, i) => ({ ...row, line: i + 2 }))

describe('import rows: valid files round-trip', () => {
  it('settings', () => {
    fc.assert(
      fc.property(fc.uniqueArray(setting, { selector: s => s.urn, minLength: 1, maxLength: 20 }), rows => {
        assert.deepEqual(parseSettings(csv('settings', rows)), { ok: true, rows: withLines(rows) })
      }),
    )
  })

  it('children', () => {
    const children = fc
      .uniqueArray(child, { selector: c => c.local_id, minLength: 1, maxLength: 20 })
      .filter(rows => new Set(rows.map(r => r.upn).filter(Boolean)).size === rows.filter(r => r.upn).length)
    fc.assert(
      fc.property(children, rows => {
        assert.deepEqual(parseChildren(csv('children', rows), TODAY), { ok: true, rows: withLines(rows) })
      }),
    )
  })

  it('placements, one per child', () => {
    const rows = fc
      .uniqueArray(fc.tuple(localId, fc.option(upn, { nil: null })), {
        selector: ([id]) => id,
        minLength: 1,
        maxLength: 20,
      })
      .filter(ids => new Set(ids.map(([, u]) => u).filter(Boolean)).size === ids.filter(([, u]) => u).length)
      .chain(ids => fc.tuple(...ids.map(([id, u]) => placement(id, u))))
    fc.assert(
      fc.property(rows, rows => {
        assert.deepEqual(parsePlacements(csv('placements', rows)), { ok: true, rows: withLines(rows) })
      }),
    )
  })
})

describe('import rows: anything else is reported, never thrown', () => {
  it('arbitrary text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...IMPORT_KINDS), fc.string({ unit: 'binary', maxLength: 400 }), (kind, input) => {
        const result = parseImport(kind, input, TODAY)
        if (!result.ok) assert.ok(result.errors.length > 0)
      }),
    )
  })

  it('the right header over arbitrary rows', () => {
    const field = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('', '"', '""', ',', '\n', 'NSA', 'ehcp', '2024-02-30'),
    )
    fc.assert(
      fc.property(
        fc.constantFrom(...IMPORT_KINDS),
        fc.array(fc.array(field, { maxLength: 12 }), { maxLength: 8 }),
        (kind, rows) => {
          const input = [COLUMNS[kind].join(','), ...rows.map(r => r.join(','))].join('\n')
          const result = parseImport(kind, input, TODAY)
          if (result.ok) assert.ok(result.rows.length > 0)
          else for (const e of result.errors) assert.ok(e.line >= 1 && e.message.length > 0)
        },
      ),
    )
  })
})

describe('import rows: errors name the line and column', () => {
  it('reports every bad row, in line order, and imports none', () => {
    const input = [
      CHILD_HEADER,
      'C1,,Ada,Quill,2016-03-14,F,ehcp,2023-05-10,SLCN,ASD',
      'C2,,Ben,Quill,2016-02-30,M,sen_support,,SPLD,',
      'C3,,Cara,Rowan,2012-06-30,F,ehcp,,SEMH,',
      'C4,,Dev,Sorrel,2011-01-20,M,none,,,',
    ].join('\n')
    assert.deepEqual(parseChildren(input, TODAY), {
      ok: false,
      errors: [
        { line: 3, column: 'date_of_birth', message: 'must be a real date written YYYY-MM-DD' },
        { line: 4, column: 'ehcp_start_date', message: 'is required when sen_status is ehcp' },
      ],
    })
  })

  it('counts physical lines: blank lines and quoted line breaks move the line number', () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      const input = [
        CHILD_HEADER,
        '',
        'C1,,"Ada",Quill,2016-03-14,F,none,,,',
        `C2,,"Ben${eol}Ben",Quill,2016-03-14,F,none,,,`,
        ',,,,,,,,,',
        'C3,,Cara,Rowan,2099-01-01,F,none,,,',
        '',
        'C4,"',
        '',
      ].join(eol)
      const result = parseChildren(input, TODAY)
      assert.deepEqual(result.ok ? [] : result.errors, [
        { line: 4, column: 'first_name', message: 'must not contain control characters' },
        { line: 7, column: 'date_of_birth', message: 'must not be in the future' },
        { line: 9, column: null, message: 'a quoted value starts here and is never closed' },
      ])
    }
  })

  it('reads a spreadsheet export: byte order mark, any header case, trailing empty rows', () => {
    const input = `\uFEFF${CHILD_HEADER.toUpperCase()}\nC1,j999900125001,Ada,Quill,2016-03-14,f,EHCP,2023-05-10,slcn,\n,,,,,,,,,\n`
    const result = parseChildren(input, TODAY)
    assert.ok(result.ok)
    assert.equal(result.rows[0]!.upn, 'J999900125001')
    assert.equal(result.rows[0]!.primary_need, 'SLCN')
    assert.equal(result.rows[0]!.sen_status, 'ehcp')
  })

  it('reports unknown and missing columns on line 1', () => {
    const result = parseSettings('urn,name,kind\n123456,Oak,x\n')
    assert.equal(result.ok, false)
    const errors = result.ok ? [] : result.errors
    assert.ok(errors.every(e => e.line === 1))
    assert.ok(errors.some(e => e.column === 'kind' && /unknown column/.test(e.message)))
    assert.ok(errors.some(e => e.column === 'setting_type' && /missing/.test(e.message)))
  })

  it('checks needs against SEN status', () => {
    const result = parseChildren(
      [
        CHILD_HEADER,
        'C1,,A,B,2016-01-01,,ehcp,2023-01-01,NSA,',
        'C2,,A,B,2016-01-01,,sen_support,,ASD,ASD',
        'C3,,A,B,2016-01-01,,sen_support,,ASD,NSA',
        'C4,,A,B,2016-01-01,,sen_support,,,ASD',
        'C5,,A,B,2016-01-01,,sen_support,,XYZ,',
        'C6,,A,B,2016-01-01,,sen_support,,NSA,',
        'C7,,A,B,2016-01-01,,sen_support,,NSA,ASD',
      ].join('\n'),
      TODAY,
    )
    assert.deepEqual(result.ok ? [] : result.errors.map(e => `${e.line} ${e.column}: ${e.message}`), [
      '2 primary_need: NSA is only for children on SEN support',
      '3 secondary_need: must differ from primary_need',
      '4 secondary_need: NSA can only be a primary need',
      '5 primary_need: is required when sen_status is sen_support',
      '5 secondary_need: needs a primary_need',
      '6 primary_need: must be one of SPLD, MLD, SLD, PMLD, SEMH, SLCN, HI, VI, MSI, PD, ASD, DS, OTH, NSA',
      '8 secondary_need: must be blank when primary_need is NSA',
    ])
  })

  it('finds duplicate keys and overlapping placements within the file', () => {
    const header = COLUMNS.placements.join(',')
    const result = parsePlacements(
      [
        header,
        'C1,,100001,2020-09-01,2022-07-20,1,no',
        'C1,,100002,2022-07-01,,1,no',
        'C1,,100002,2022-07-01,,1,no',
        'C1,,100003,2022-07-01,,2,no',
        'C2,,100001,2020-09-01,2021-07-20,1,no',
        'C2,,100002,2021-09-01,,1,no',
      ].join('\n'),
    )
    assert.deepEqual(result.ok ? [] : result.errors.map(e => `${e.line} ${e.column}: ${e.message}`), [
      '3 start_date: overlaps the placement on line 2 (same child and rank)',
      '4 start_date: this child, setting and start date is also on line 3',
    ])
  })

  it('finds a repeated key even when the earlier row has other problems', () => {
    const result = parseChildren(
      [CHILD_HEADER, 'C1,,A,B,2016-02-30,,none,,,', 'C1,,A,B,2016-02-28,,none,,,'].join('\n'),
      TODAY,
    )
    assert.deepEqual(result.ok ? [] : result.errors.map(e => `${e.line} ${e.column}: ${e.message}`), [
      '2 date_of_birth: must be a real date written YYYY-MM-DD',
      '3 local_id: this child id is also on line 2',
    ])
  })

  it('refuses a header with no rows', () => {
    assert.deepEqual(parseSettings(`${COLUMNS.settings.join(',')}\n`), {
      ok: false,
      errors: [{ line: 2, column: null, message: 'the file has a header but no rows' }],
    })
  })
})
