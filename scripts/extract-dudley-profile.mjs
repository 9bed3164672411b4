// Derives the shape of the demo authority from real DfE figures for Dudley (old LA code 332) and
// writes src/people/demo/dudley-profile.json, so the app never needs ../shared at run time.
//   node scripts/extract-dudley-profile.mjs            write the JSON
//   node scripts/extract-dudley-profile.mjs --stdout   print it instead (the profile test compares the two)
// Set DUDLEY_DATA_DIR to read the data from somewhere other than ../shared/data.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import zlib from 'node:zlib'
import { parse } from 'csv-parse/sync'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const dataDir = path.resolve(process.env.DUDLEY_DATA_DIR ?? path.join(root, '../shared/data'))
const out = path.join(root, 'src/people/demo/dudley-profile.json')

const LA = '332'
const JANUARY = '202425'
const ZIP = 'education-health-and-care-plans_2025.zip'
const CASELOAD = 'data/caseload.csv'
const NEEDS = 'ehcp_2025_release/sen_needs_all_plans.csv'

// SEN2 need columns; DfE publishes no Down syndrome column for EHC plans.
const NEED_COLUMNS = {
  ASD: 'number_asd',
  HI: 'number_hi',
  MLD: 'number_mld',
  MSI: 'number_msi',
  OTH: 'number_oth',
  PD: 'number_pd',
  PMLD: 'number_pmld',
  SEMH: 'number_semh',
  SLCN: 'number_slcn',
  SLD: 'number_sld',
  SPLD: 'number_spld',
  VI: 'number_vi',
}

// The demo's kinds of placement, each a sum of caseload.csv columns …
const PLACEMENT_COLUMNS = {
  mainstream: ['mainstream_la_maintained', 'mainstream_academy', 'mainstream_free_school'],
  resourced_provision: [
    'mainstream_la_maintained_resourced_provision',
    'mainstream_la_maintained_senunit',
    'mainstream_academy_resourced_provision',
    'mainstream_academy_senunit',
    'mainstream_free_school_resourced_provision',
    'mainstream_free_school_senunit',
  ],
  special: ['special_la_maintained', 'special_academy_free'],
  independent: ['mainstream_independent', 'special_independent', 'special_non_maintained'],
  alternative_provision: ['ap_pru_total'],
  further_education: ['general_fe_tertiary_colleges', 'ukrlp_provider'],
  specialist_post_16: ['specialist_post_16_institutions'],
  early_years: ['nm_early_years'],
  elsewhere: ['ed_elsewhere', 'placement_unknown'],
}

// … and of sen_needs_all_plans.csv 'Type of placement' rows.
const PLACEMENT_ROWS = {
  mainstream: ['Mainstream - LA maintained', 'Mainstream - academy', 'Mainstream - free school'],
  resourced_provision: [
    'Mainstream - LA maintained (resourced provision)',
    'Mainstream - LA maintained (SEN unit)',
    'Mainstream - academy (resourced provision)',
    'Mainstream - academy (SEN unit)',
    'Mainstream - free school (resourced provision)',
    'Mainstream - free school (SEN unit)',
  ],
  special: ['Special - LA maintained', 'Special - Academy/free schools'],
  independent: ['Mainstream - independent', 'Special - independent', 'Special - non-maintained'],
  alternative_provision: ['AP/PRU - total'],
  further_education: ['FE - general FE and tertiary colleges', 'FE - UKRLP provider'],
  specialist_post_16: ['FE - specialist post-16 institutions'],
  early_years: ['Non-maintained early years'],
  elsewhere: ['Educated elsewhere - total', 'Placement not recorded'],
}

// Enough of the zip format to read one deflated member: find it in the central directory, then
// inflate its data (sizes are taken from the central directory, as the local headers defer them).
function readZipMember(file, member) {
  const zip = fs.readFileSync(file)
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0) throw new Error(`${file}: not a zip file`)
  let at = zip.readUInt32LE(end + 16)
  for (let i = 0, n = zip.readUInt16LE(end + 10); i < n; i++) {
    const nameLength = zip.readUInt16LE(at + 28)
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength)
    if (name === member) {
      const method = zip.readUInt16LE(at + 10)
      const size = zip.readUInt32LE(at + 20)
      const local = zip.readUInt32LE(at + 42)
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
      const data = zip.subarray(start, start + size)
      return method === 0 ? data : zlib.inflateRawSync(data)
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
  }
  throw new Error(`${file}: no ${member}`)
}

const readCsv = text => parse(text, { bom: true, columns: true, skip_empty_lines: true })

// Suppressed ('x', 'c', 'z') or blank cells count as none: for Dudley the rows still add up (checked below).
const count = value => (/^\d+$/.test(value) ? Number(value) : 0)
const sum = (row, columns) => columns.reduce((total, column) => total + count(row[column]), 0)
const total = counts => Object.values(counts).reduce((a, b) => a + b, 0)
const needCounts = row =>
  Object.fromEntries(Object.entries(NEED_COLUMNS).map(([code, column]) => [code, count(row[column])]))

function check(condition, message) {
  if (!condition) throw new Error(`Dudley profile: ${message}`)
}

export function deriveProfile() {
  const caseload = readCsv(readZipMember(path.join(dataDir, ZIP), CASELOAD)).filter(r => r.old_la_code === LA)
  const needs = readCsv(fs.readFileSync(path.join(dataDir, NEEDS))).filter(
    r => r.old_la_code === LA && r.time_period === JANUARY,
  )

  const caseloadByJanuary = {}
  for (const row of caseload.filter(r => r.breakdown_topic === 'All EHC plans')) {
    caseloadByJanuary[`20${row.time_period.slice(4)}`] = count(row.ehcplans)
  }

  const placementsByAge = {}
  for (const row of caseload.filter(
    r => r.time_period === JANUARY && r.breakdown_topic === 'Child or young persons age',
  )) {
    const age = row.breakdown.replace(/^age /, '')
    placementsByAge[age] = Object.fromEntries(
      Object.entries(PLACEMENT_COLUMNS).map(([kind, columns]) => [kind, sum(row, columns)]),
    )
    check(total(placementsByAge[age]) === count(row.ehcplans), `placements at age ${age} do not add up`)
  }

  const needsByAge = {}
  const needsBySex = {}
  const rows = new Map()
  for (const row of needs) {
    if (row.breakdown_topic === 'Child or young persons age')
      needsByAge[row.breakdown.replace(/^age /, '')] = needCounts(row)
    if (row.breakdown_topic === 'Sex') needsBySex[row.breakdown === 'Female' ? 'F' : 'M'] = needCounts(row)
    if (row.breakdown_topic === 'Type of placement') rows.set(row.breakdown, row)
    // The demo draws every plan's need from the named types, so an unknown need must not be dropped silently.
    check(count(row.number_need_unknown) === 0, `${row.breakdown} has plans with need unknown`)
  }
  const needsByPlacement = Object.fromEntries(
    Object.entries(PLACEMENT_ROWS).map(([kind, labels]) => {
      const counts = Object.fromEntries(Object.keys(NEED_COLUMNS).map(code => [code, 0]))
      for (const label of labels) {
        const row = rows.get(label)
        if (row) for (const [code, n] of Object.entries(needCounts(row))) counts[code] += n
      }
      return [kind, counts]
    }),
  )

  const all = needs.find(r => r.breakdown_topic === 'All EHC plans')
  const plans = count(all.ehc_plans)
  check(plans === caseloadByJanuary[`20${JANUARY.slice(4)}`], 'the two files disagree on the January total')
  check(Object.values(needsByAge).reduce((n, c) => n + total(c), 0) === plans, 'needs by age do not add up')
  check(Object.values(needsBySex).reduce((n, c) => n + total(c), 0) === plans, 'needs by sex do not add up')
  check(Object.values(needsByPlacement).reduce((n, c) => n + total(c), 0) === plans, 'needs by placement do not add up')

  return {
    source: {
      laCode: LA,
      laName: 'Dudley',
      publisher: 'Department for Education, Education, health and care plans, reporting year 2025 (OGL v3.0)',
      files: [`../shared/data/${ZIP} : ${CASELOAD}`, `../shared/data/${NEEDS}`],
      january: Number(`20${JANUARY.slice(4)}`),
      derivedBy: 'scripts/extract-dudley-profile.mjs',
    },
    caseloadByJanuary,
    needsByAge,
    needsBySex,
    placementsByAge,
    needsByPlacement,
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const json = `${JSON.stringify(deriveProfile(), null, 2)}\n`
  if (process.argv.includes('--stdout')) process.stdout.write(json)
  else {
    fs.writeFileSync(out, json)
    console.log(`Wrote ${path.relative(root, out)}`)
  }
}
