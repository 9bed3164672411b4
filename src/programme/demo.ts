import type { Kysely } from 'kysely'
import type { DB } from '../schema.ts'
import type { Measure, Rag } from './rules/progress.ts'

// The demo's improvement programme. The DBV workstreams, stakeholder groups and plan items are seed
// 003's (Dudley, January–March 2024), in its words and with its RAG statuses. The Written Statement of
// Action has seed 004's shape — 14 priority areas, 132 actions: 114 completed, 18 in progress, none
// not started, every action complete in seven areas and all 13 of area 4's — but seed 004 names only
// areas 2, 3, 4 and 10, so the other areas' titles, every action's wording, owners and dates, the
// impact measures' targets, two of their baselines and the RAG history are illustrative, and say so.

const ILLUSTRATIVE = 'Illustrative: seed 004 does not name this area of weakness.'
const AREAS: { title: string; weakness: string; actions: number; inProgress: number }[] = [
  { title: 'Leadership and governance of the local area', weakness: ILLUSTRATIVE, actions: 10, inProgress: 0 },
  {
    title: 'Identifying and moderating needs',
    weakness:
      'The needs of children and young people (CYP) with SEND have not been accurately identified or moderated over time.',
    actions: 9,
    inProgress: 3,
  },
  {
    title: 'Assessment and provision management',
    weakness: 'A strategic approach to assessment and provision management in Dudley is lacking.',
    actions: 11,
    inProgress: 3,
  },
  {
    title: 'Joint commissioning',
    weakness: 'Joint Commissioning is underdeveloped and not always informed by accurate analysis of data.',
    actions: 13,
    inProgress: 0,
  },
  { title: 'Co-production with parents and carers', weakness: ILLUSTRATIVE, actions: 8, inProgress: 0 },
  { title: 'The local offer', weakness: ILLUSTRATIVE, actions: 10, inProgress: 2 },
  { title: 'Health services for children with SEND', weakness: ILLUSTRATIVE, actions: 9, inProgress: 0 },
  { title: 'Social care contributions', weakness: ILLUSTRATIVE, actions: 8, inProgress: 0 },
  { title: 'Inclusion and exclusions in mainstream schools', weakness: ILLUSTRATIVE, actions: 10, inProgress: 2 },
  {
    title: 'Quality of EHC plans',
    weakness:
      'Education Health Care (EHC) plans are often of a poor quality, they do not all contain Health and Social Care needs and are not outcome-focused.',
    actions: 12,
    inProgress: 4,
  },
  { title: 'Timeliness of assessments and annual reviews', weakness: ILLUSTRATIVE, actions: 9, inProgress: 2 },
  { title: 'Preparation for adulthood', weakness: ILLUSTRATIVE, actions: 8, inProgress: 0 },
  { title: 'Early years identification', weakness: ILLUSTRATIVE, actions: 7, inProgress: 0 },
  { title: 'Workforce development and training', weakness: ILLUSTRATIVE, actions: 8, inProgress: 2 },
]

const OWNERS = [
  'Head of SEND',
  'Designated Clinical Officer',
  'Principal Educational Psychologist',
  'SEND Improvement Lead',
]

type Item = {
  ref: string
  title: string
  purpose: string
  nextSteps: string
  impact: string
  rag: Rag
  measure?: Measure
}
const WORKSTREAMS: { name: string; groups: [string, string][]; items: Item[] }[] = [
  {
    name: 'Redesigning our Specialist Services',
    groups: [
      ['Specialist Inclusion Service Redesign Stakeholder Working Group', 'Fortnightly'],
      ['Ordinarily Available Provision (OAP) Task & Finish Group', 'Monthly'],
      ['OAP Subgroup SEMH (social, emotional, mental health)', 'Monthly'],
      ['OAP Subgroup P&S (physical &/or sensory needs)', 'Monthly'],
      ['OAP Subgroup C&I (communication & interaction)', 'Monthly'],
      ['OAP Subgroup C&L (cognition & learning)', 'Monthly'],
      ['Building Schools Capacity Task & Finish Group (training in mainstream schools)', 'To be agreed'],
    ],
    items: [
      {
        ref: '1.1',
        title: 'Commissioning of Genuine Partnerships',
        purpose:
          'Foster collaborative partnerships to enhance stakeholder engagement, leverage external resources, and promote co-production values.',
        nextSteps:
          'Conduct a review of the success measures of the Four Cornerstones Model. Refresh partnership agreements and monitor their contributions to the DBV programme.',
        impact:
          'Enhanced collaboration with external partners; improved stakeholder engagement; strengthened co-production values.',
        rag: 'on_track',
      },
      {
        ref: '1.2',
        title: 'Reframing our Ordinarily Available Provision (OAP) Offer',
        purpose:
          'An inclusive framework for improved access and effectiveness while setting clear expectations for schools and settings.',
        nextSteps:
          'Design & develop the OAP framework. Undertake a baseline assessment on EHCP requests and other relevant metrics before, during and after implementation.',
        impact:
          'Clear expectations for OAP in schools and settings; enhanced provision of support, resources, and services.',
        rag: 'on_track',
      },
      {
        ref: '1.3',
        title: 'Redesigning our Specialist Services Delivery Models',
        purpose:
          'Adopt an outward-facing approach to foster greater school support, confidence, and in-house capacity for children with SEND.',
        nextSteps:
          'Continue with service assessment and gap analysis. Develop a comprehensive training matrix to enhance staffing capacity and identify gaps.',
        impact: 'Improved support and confidence in schools; enhanced in-house capacity to meet children’s needs.',
        rag: 'monitor',
      },
      {
        ref: '1.4',
        title: 'Supporting Schools to Build Capacity',
        purpose:
          'Identify training needs, develop tailored materials, and equip mainstream settings to support children without EHCPs.',
        nextSteps:
          'Determine the specific training gaps & needs of mainstream settings. Commission training providers and develop training materials.',
        impact: 'Improved capacity of mainstream schools; enhanced support for children without EHCPs.',
        rag: 'monitor',
      },
      {
        ref: '1.5',
        title: 'Communication Plan for the DBV Programme',
        purpose:
          'To ensure effective and tailored communication strategies are established and executed for the DBV Programme.',
        nextSteps:
          'Develop the draft DBV communication plan and present to the programme group for review and feedback.',
        impact:
          'Parents and carers, schools and internal services are well-informed about the DBV programme’s objectives, progress and opportunities.',
        rag: 'on_track',
      },
    ],
  },
  {
    name: 'Developing and Delivering our Sufficiency Strategy',
    groups: [['Sufficiency Strategy Stakeholder Working Group', 'To be agreed']],
    items: [
      {
        ref: '2.1',
        title: 'Developing and Implementing Sufficiency Plan',
        purpose:
          'To create a comprehensive plan that ensures there are adequate services and resources to meet the current and future needs of children and young people with SEND in Dudley.',
        nextSteps: 'Engage key stakeholders for strategy development and establish stakeholder working group.',
        impact: 'A comprehensive picture of capacity across the special school and Alternative Provision estate.',
        rag: 'monitor',
      },
      {
        ref: '2.2',
        title: 'Implementation of Resource Bases/SEND Units',
        purpose:
          'To establish and operate Resource Bases and SEND Units to provide specialised educational support and services for children and young people with SEND.',
        nextSteps:
          'Continue the ongoing actions related to the implementation of Resource Bases/SEND Units, focusing on effective integration with mainstream schools, data collection, and student placement.',
        impact:
          'Establishment of resource bases and SEND units; integration with mainstream schools; monitoring student progress.',
        rag: 'on_track',
      },
      {
        ref: '2.3',
        title: 'Commissioning of Resource Bases/SEND Units for 2024',
        purpose: '',
        nextSteps:
          'Continue the ongoing actions related to the commissioning of Resource Bases/SEND Units for 2024, including identifying specific schools, and progressing through the tender process.',
        impact: 'Expansion of resource bases; stakeholder consultation and involvement.',
        rag: 'on_track',
      },
      {
        ref: '2.4',
        title: 'Commissioning & Implementation of Early Years Inclusion Hubs',
        purpose: 'To ensure the smooth implementation and operation of the Early Years Inclusion Hubs.',
        nextSteps: 'Complete contracts.',
        impact: 'Establishment & rollout of Early Years Inclusion Hubs.',
        rag: 'on_track',
      },
      {
        ref: '2.5',
        title: 'Implementation of Early Identification Pathway with Health',
        purpose: 'To establish and execute an early identification process in collaboration with health services.',
        nextSteps:
          'Early Notification Process is now in place, to increase the profile of this process with GPs and other Health Partners.',
        impact: 'Enhanced early identification of children’s needs.',
        rag: 'on_track',
      },
    ],
  },
  {
    name: 'Preparation for Adulthood and Post 16',
    groups: [
      ['PFA Stakeholder Working Group: NEET and Employability', 'To be agreed'],
      ['PFA Stakeholder Working Group: Careers, Progression & Transition', 'To be agreed'],
    ],
    items: [
      {
        ref: '3.1',
        title: 'Develop the Post 16 and Post 19 PFA Pathway',
        purpose: 'Create a clear transition pathway for young people with disabilities.',
        nextSteps:
          'List all relevant stakeholders for Post 16 education in the borough. Conduct a survey of current education providers regarding curriculum provision.',
        impact: 'Clear routes for various career paths.',
        rag: 'monitor',
      },
      {
        ref: '3.2',
        title: 'Development of Apprenticeships and Supported Internships',
        purpose: 'Create Apprenticeship and Supported Internships opportunities for Young People with SEND in Dudley.',
        nextSteps:
          'Establish communication channels and partnerships with the local Employment & Skills Board. Create a comprehensive list of training and apprenticeship providers across the borough.',
        impact: 'More supported internships and apprenticeships for young people with SEND.',
        rag: 'monitor',
      },
      {
        ref: '3.3',
        title: 'Implement Independent Travel Training',
        purpose: 'Empower young people with disabilities travel skills for independence.',
        nextSteps: 'Identify travel challenges with stakeholders. Develop travel training curriculum. Allocate budget.',
        impact: 'Enhancing mobility and independence of young people.',
        rag: 'monitor',
      },
    ],
  },
  {
    name: 'Redesigning our Spend Profile',
    groups: [],
    items: [
      {
        ref: '4.1',
        title: 'EHCP Cessations – Post 16',
        purpose: 'Improve the annual review process and identify Post 16 EHCPs due for cessation.',
        nextSteps:
          'Ongoing review to identify and prioritise Year 11 EHCPs to be targeted for cessation. Implement strategies for improved efficiency in annual reviews.',
        impact: 'Post 16 EHCPs suitable for cessation ceased; annual reviews on time.',
        rag: 'monitor',
        measure: 'plans_ceased',
      },
      {
        ref: '4.2',
        title: 'Develop Data infrastructure for DBV Programme',
        purpose: 'Design and implement an effective data infrastructure.',
        nextSteps: 'Determine data sources of impact measures. Finalise DBV dashboard.',
        impact: 'Enhance data driven decision-making.',
        rag: 'monitor',
        measure: 'reviews_outstanding',
      },
      {
        ref: '4.3',
        title: 'Design & implement operational metrics for benefits',
        purpose: 'Develop metrics for benefits calculation.',
        nextSteps:
          'Conduct an assessment to identify operational metrics. Review and update the existing forecast model in line with the DBV Programme.',
        impact: 'Improved financial analysis and decision-making.',
        rag: 'monitor',
      },
    ],
  },
]

/** A date `days` after an ISO date (negative for before). */
function plusDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

export async function loadProgrammeDemo(db: Kysely<DB>, laCode: string, today: string) {
  await db
    .insertInto('programme_measure')
    .values([
      // Seed 004: 46% within 20 weeks including exceptions, year to date November 2021.
      { la_code: laCode, key: 'twenty_weeks_incl', baseline: 46, baseline_on: '2021-11-30', target: 90 },
      { la_code: laCode, key: 'twenty_weeks_excl', baseline: 62, baseline_on: plusDays(today, -365), target: 95 },
      // Seed 004: 210 annual reviews outstanding in October 2021.
      { la_code: laCode, key: 'reviews_outstanding', baseline: 210, baseline_on: '2021-10-31', target: 50 },
      { la_code: laCode, key: 'plans_ceased', baseline: 150, baseline_on: plusDays(today, -365), target: 250 },
    ])
    .execute()
  let actions = 0
  const first = { area: '', action: '', item: '' }
  for (const [i, a] of AREAS.entries()) {
    const area = await db
      .insertInto('programme_area')
      .values({ la_code: laCode, position: i + 1, title: a.title, weakness: a.weakness })
      .returning('id')
      .executeTakeFirstOrThrow()
    const rows = Array.from({ length: a.actions }, (_, n) => {
      const done = n < a.actions - a.inProgress
      // In-progress actions fall due over the coming months; the first of area 10's is overdue.
      const due = done
        ? plusDays(today, -400 + n * 20)
        : plusDays(today, i === 9 && n === a.actions - a.inProgress ? -14 : 30 * (n + 1))
      return {
        la_code: laCode,
        area_id: area.id,
        ref: `${i + 1}.${n + 1}`,
        description: `${a.title}: illustrative action ${n + 1} of ${a.actions}`,
        owner: OWNERS[(i + n) % OWNERS.length]!,
        due_date: due,
        status: done ? ('completed' as const) : ('in_progress' as const),
        evidence: done ? 'Illustrative: evidence of completion reviewed at the SEND Improvement Board.' : '',
        completed_on: done ? plusDays(due, -7) : null,
        measure:
          i === 9 && n === 0
            ? ('twenty_weeks_incl' as const)
            : i === 10 && n === 0
              ? ('reviews_outstanding' as const)
              : null,
      }
    })
    actions += rows.length
    const ids = await db.insertInto('programme_action').values(rows).returning('id').execute()
    if (!first.area) Object.assign(first, { area: area.id, action: ids[0]!.id })
  }
  let items = 0
  for (const [i, w] of WORKSTREAMS.entries()) {
    const stream = await db
      .insertInto('programme_workstream')
      .values({ la_code: laCode, number: i + 1, name: w.name })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (w.groups.length)
      await db
        .insertInto('programme_group')
        .values(
          w.groups.map(([name, frequency], position) => ({
            la_code: laCode,
            workstream_id: stream.id,
            position,
            name,
            frequency,
          })),
        )
        .execute()
    for (const item of w.items) {
      const row = await db
        .insertInto('programme_item')
        .values({
          la_code: laCode,
          workstream_id: stream.id,
          ref: item.ref,
          title: item.title,
          purpose: item.purpose,
          next_steps: item.nextSteps,
          impact: item.impact,
          rag: item.rag,
          measure: item.measure ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      items++
      if (!first.item) first.item = row.id
      // Illustrative history: two items moved in the last month, so the report shows movement.
      const history: [Rag, Rag, number, string][] =
        item.ref === '1.3'
          ? [['on_track', 'monitor', -12, 'Illustrative: the gap analysis needs more time than planned']]
          : item.ref === '2.1'
            ? [['at_risk', 'monitor', -20, 'Illustrative: the third-party supplier has been commissioned']]
            : []
      for (const [from, to, days, reason] of history)
        await db
          .insertInto('programme_rag_change')
          .values({
            la_code: laCode,
            item_id: row.id,
            from_rag: from,
            to_rag: to,
            changed_on: plusDays(today, days),
            changed_by: null,
            changed_by_name: 'DBV Programme Board',
            reason,
          })
          .execute()
    }
  }
  return { areas: AREAS.length, actions, workstreams: WORKSTREAMS.length, items, first }
}
