import type { Kysely } from 'kysely'
import { z } from 'zod'
import { AwardStore, type AwardRow } from '../funding/award-store.ts'
import { calculate, slotsOf } from '../funding/awards.ts'
import { formatPounds } from '../funding/rules/explanation.ts'
import type { MatrixVersionSpec } from '../funding/rules/matrix-version.ts'
import { financialYearOf, tableRate } from '../funding/rules/money.ts'
import type { Choices } from '../funding/rules/scoring.ts'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldError } from '../platform/errors.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { Clock } from '../platform/time/clock.ts'
import { addDays, formatDate, isIsoDate } from '../platform/time/dates.ts'
import type { DB } from '../schema.ts'
import {
  conflictOf,
  decisionSchema,
  OUTCOME_LABELS,
  quorumFor,
  supersedeSchema,
  type DecisionInput,
  type Member,
} from './rules/panel.ts'
import {
  ModerationStore,
  type AgendaFilters,
  type CaseRow,
  type DecisionRow,
  type MemberRow,
  type NewDecision,
  type SessionRow,
} from './store.ts'

// Deny by default: a role not listed may not do the thing. Deciding also needs a seat on the
// session's panel, presence, no conflict with the school and a quorum: checked per case below.
const ALLOWED = {
  'panel.manage': ['la_admin', 'send_manager'],
  'panel.read': ['la_admin', 'send_manager', 'panel_member'],
  'panel.decide': ['send_manager', 'panel_member'],
  'decision.letter': ['la_admin', 'send_manager', 'panel_member', 'case_officer', 'school_user'],
} as const satisfies Record<string, readonly Role[]>
export type ModerationPermission = keyof typeof ALLOWED

export function mayModerate(actor: Actor, permission: ModerationPermission): boolean {
  return (ALLOWED[permission] as readonly Role[]).includes(actor.role)
}

function authorise(actor: Actor, permission: ModerationPermission): void {
  if (!mayModerate(actor, permission)) throw new ForbiddenError()
}

const idSchema = z.uuid()
const versionField = z.coerce
  .number({ error: 'The version number you read is missing: reload the page' })
  .int()
  .min(1, 'The version number you read is missing: reload the page')

const quorumField = z.coerce
  .number({ error: 'Enter the quorum as a whole number' })
  .int('Enter the quorum as a whole number')
  .min(1, 'The quorum must be at least 1')
  .max(50, 'The quorum must be at most 50')

export const panelSchema = z.object({
  name: z
    .string({ error: 'Enter the panel’s name' })
    .trim()
    .min(1, 'Enter the panel’s name')
    .max(200, 'Enter a name of at most 200 characters'),
  quorum: quorumField,
})
export const editPanelSchema = panelSchema.extend({ version: versionField })
const memberActiveSchema = z.object({
  active: z.enum(['true', 'false'], { error: 'Choose whether the member is active' }),
  version: versionField,
})

export const memberSchema = z.object({
  userId: z.uuid({ error: 'Choose the person joining the panel' }),
  panelRole: z
    .string({ error: 'Enter their seat on the panel' })
    .trim()
    .min(1, 'Enter their seat on the panel, for example Primary head teacher')
    .max(100, 'Enter a seat of at most 100 characters'),
  settingId: z
    .union([z.literal(''), z.uuid({ error: 'Choose the school they belong to, or none' })])
    .optional()
    .transform(v => v || null),
})

export const sessionSchema = z.object({
  date: z
    .string({ error: 'Enter the session date' })
    .trim()
    .refine(isIsoDate, 'Enter the session date as a real date, for example 2026-11-30'),
  location: z
    .string()
    .trim()
    .max(200, 'Enter a place of at most 200 characters')
    .optional()
    .transform(v => v || null),
})

export const attendanceSchema = z.object({
  version: versionField,
  members: z.array(z.uuid()).default([]),
})

const optionalDate = (message: string) =>
  z
    .string()
    .trim()
    .optional()
    .refine(v => !v || isIsoDate(v), message)
    .transform(v => v || undefined)

/** The agenda's filters, from the query string: school, locality, level, Level 8, date submitted. */
export const agendaFilterSchema = z.object({
  school: z
    .union([z.literal(''), z.uuid({ error: 'Choose a school from the list' })])
    .optional()
    .transform(v => v || undefined),
  locality: z
    .string()
    .trim()
    .max(20)
    .optional()
    .transform(v => v || undefined),
  level: z
    .union([z.literal(''), z.coerce.number({ error: 'Choose a level' }).int('Choose a level')])
    .optional()
    .transform(v => (v === '' ? undefined : v)),
  level8: z
    .enum(['', 'yes'])
    .optional()
    .transform(v => v === 'yes'),
  from: optionalDate('Enter the first date submitted as a real date, for example 2026-11-01'),
  to: optionalDate('Enter the last date submitted as a real date, for example 2026-11-30'),
})
export type AgendaFilterInput = z.input<typeof agendaFilterSchema>

export const addToAgendaSchema = z.object({
  awards: z.array(z.uuid()).min(1, 'Choose at least one matrix to add to the agenda').max(500),
})

const caseVersionSchema = z.object({ version: versionField })

export const CASE_STATUS_TAGS = {
  pending: { text: 'Pending', classes: 'govuk-tag--blue' },
  decided: { text: 'Decided', classes: 'govuk-tag--yellow' },
  issued: { text: 'Issued', classes: 'govuk-tag--green' },
  withdrawn: { text: 'Withdrawn', classes: 'govuk-tag--grey' },
} as const

const STALE_CASE = 'Another member recorded a decision on this case after you opened it'

export type CaseView = Awaited<ReturnType<ModerationService['getCase']>>

export class ModerationService {
  private readonly store: ModerationStore
  private readonly awards: AwardStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly clock: Clock,
  ) {
    this.store = new ModerationStore(db, laCode)
    this.awards = new AwardStore(db, laCode)
  }

  mayManage(actor: Actor): boolean {
    return mayModerate(actor, 'panel.manage')
  }

  async listPanels(actor: Actor) {
    authorise(actor, 'panel.read')
    return { panels: await this.store.panels(), mayManage: this.mayManage(actor) }
  }

  async createPanel(actor: Actor, input: unknown): Promise<string> {
    authorise(actor, 'panel.manage')
    const { name, quorum } = parseOrThrow(panelSchema, input)
    return this.db.transaction().execute(async trx => {
      const id = await this.store.withDb(trx).insertPanel(name, quorum, actor.userId, this.clock.now())
      await audit(trx, this.laCode, actor, {
        action: 'panel.create',
        recordType: 'panel',
        recordId: id,
        details: { quorum },
      })
      return id
    })
  }

  async getPanel(actor: Actor, panelId: string) {
    authorise(actor, 'panel.read')
    const panel = await this.loadPanel(panelId)
    const manage = this.mayManage(actor)
    return {
      panel,
      members: await this.store.members(panel.id),
      sessions: await this.store.sessions(panel.id),
      staff: manage ? await this.store.staffUsers() : [],
      settings: manage ? await this.store.settings() : [],
      mayManage: manage,
      today: this.clock.today(),
    }
  }

  async editPanel(actor: Actor, panelId: string, input: unknown): Promise<void> {
    authorise(actor, 'panel.manage')
    const panel = await this.loadPanel(panelId)
    const parsed = parseOrThrow(editPanelSchema, input)
    const stale = () => new ConflictError('This panel was changed by someone else after you opened it', panel)
    if (parsed.version !== panel.version) throw stale()
    await this.db.transaction().execute(async trx => {
      const next = await this.store
        .withDb(trx)
        .updatePanel(panel.id, parsed.version, parsed.name, parsed.quorum, this.clock.now())
      if (next === null) throw stale()
      await audit(trx, this.laCode, actor, {
        action: 'panel.edit',
        recordType: 'panel',
        recordId: panel.id,
        details: { version: next, quorum: parsed.quorum },
      })
    })
  }

  async addMember(actor: Actor, panelId: string, input: unknown): Promise<void> {
    authorise(actor, 'panel.manage')
    const panel = await this.loadPanel(panelId)
    const parsed = parseOrThrow(memberSchema, input)
    if (!(await this.store.staffUsers()).some(u => u.id === parsed.userId)) {
      throw new ValidationError([{ field: 'userId', message: 'Choose a member of LA staff from the list' }])
    }
    if (parsed.settingId && !(await this.store.settings()).some(s => s.id === parsed.settingId)) {
      throw new ValidationError([{ field: 'settingId', message: 'Choose the school they belong to from the list' }])
    }
    if (await this.store.memberFor(panel.id, parsed.userId)) {
      throw new ValidationError([{ field: 'userId', message: 'That person is already a member of this panel' }])
    }
    await this.db.transaction().execute(async trx => {
      const id = await this.store
        .withDb(trx)
        .insertMember(panel.id, parsed.userId, parsed.panelRole, parsed.settingId, this.clock.now())
      await audit(trx, this.laCode, actor, {
        action: 'panel.member.add',
        recordType: 'panel_member',
        recordId: id,
        details: { panelId: panel.id, userId: parsed.userId, settingId: parsed.settingId },
      })
    })
  }

  /**
   * Makes a member inactive (they stay on past decisions) or active again, from the version the form
   * was read at (a stale form is refused with a ConflictError carrying the member as now saved);
   * returns their panel.
   */
  async setMemberActive(actor: Actor, memberId: string, input: unknown): Promise<string> {
    authorise(actor, 'panel.manage')
    if (!idSchema.safeParse(memberId).success) throw new NotFoundError()
    const member = await this.store.member(memberId)
    if (!member) throw new NotFoundError()
    const { active, version } = parseOrThrow(memberActiveSchema, input)
    // With the member as now saved, read on the connection asking (inside the transaction, its own).
    const stale = async (store: ModerationStore) =>
      new ConflictError(
        'This member was changed by someone else after you opened the panel',
        (await store.member(member.id)) ?? member,
      )
    if (version !== member.version) throw await stale(this.store)
    await this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      const next = await store.setMemberActive(member.id, version, active === 'true', this.clock.now())
      if (next === null) throw await stale(store)
      await audit(trx, this.laCode, actor, {
        action: active === 'true' ? 'panel.member.activate' : 'panel.member.deactivate',
        recordType: 'panel_member',
        recordId: member.id,
        details: { version: next },
      })
    })
    return member.panel_id
  }

  /** The panel a member sits on, for showing the panel again after a refused change; NotFoundError if none. */
  async panelOfMember(actor: Actor, memberId: string): Promise<string> {
    authorise(actor, 'panel.manage')
    if (!idSchema.safeParse(memberId).success) throw new NotFoundError()
    const member = await this.store.member(memberId)
    if (!member) throw new NotFoundError()
    return member.panel_id
  }

  async addSession(actor: Actor, panelId: string, input: unknown): Promise<string> {
    authorise(actor, 'panel.manage')
    const panel = await this.loadPanel(panelId)
    const { date, location } = parseOrThrow(sessionSchema, input)
    return this.db.transaction().execute(async trx => {
      const id = await this.store.withDb(trx).insertSession(panel.id, date, location, this.clock.now())
      await audit(trx, this.laCode, actor, {
        action: 'panel.session.create',
        recordType: 'panel_session',
        recordId: id,
        details: { panelId: panel.id, date },
      })
      return id
    })
  }

  /** A session: attendance, quorum and the agenda (pupils' names, so the read is audited). */
  async getSession(actor: Actor, sessionId: string) {
    authorise(actor, 'panel.read')
    const session = await this.loadSession(sessionId)
    const members = await this.store.members(session.panel_id)
    const present = new Set(await this.store.presentMemberIds(session.id))
    const cases = await this.store.cases(session.id)
    const decisions = await this.store.currentDecisions(cases.map(c => c.id))
    await audit(this.db, this.laCode, actor, {
      action: 'panel.session.read',
      recordType: 'panel_session',
      recordId: session.id,
      details: { cases: cases.length },
    })
    const presentMembers = members.filter(m => present.has(m.id))
    return {
      session,
      members: members.filter(m => m.active || present.has(m.id)),
      present: [...present],
      presentCount: presentMembers.length,
      quorate: presentMembers.length >= session.quorum,
      cases: cases.map(c => {
        const d = decisions.find(x => x.case_id === c.id)
        return {
          ...c,
          decision: d ? decisionSummary(d) : null,
          // Per case: a member from the pupil's school does not count towards its quorum.
          quorum: quorumFor(presentMembers.map(asMember), session.quorum, c.setting_id),
        }
      }),
      decidedCount: cases.filter(c => c.status === 'decided').length,
      mayManage: this.mayManage(actor),
    }
  }

  async recordAttendance(actor: Actor, sessionId: string, input: unknown): Promise<void> {
    authorise(actor, 'panel.manage')
    const session = await this.loadSession(sessionId)
    const parsed = parseOrThrow(attendanceSchema, input)
    const members = await this.store.members(session.panel_id)
    const active = new Set(members.filter(m => m.active).map(m => m.id))
    const chosen = [...new Set(parsed.members)]
    if (chosen.some(id => !active.has(id))) {
      throw new ValidationError([{ field: 'members', message: 'Choose only active members of this panel' }])
    }
    const stale = () => new ConflictError('The attendance was changed by someone else after you opened it', session)
    if (parsed.version !== session.version) throw stale()
    await this.db.transaction().execute(async trx => {
      const next = await this.store.withDb(trx).replaceAttendance(session.id, parsed.version, chosen, this.clock.now())
      if (next === null) throw stale()
      await audit(trx, this.laCode, actor, {
        action: 'panel.attendance',
        recordType: 'panel_session',
        recordId: session.id,
        details: { version: next, present: chosen },
      })
    })
  }

  /** Submitted matrices that may be added to a session's agenda, filtered. */
  async agendaCandidates(actor: Actor, sessionId: string, query: unknown) {
    authorise(actor, 'panel.manage')
    const session = await this.loadSession(sessionId)
    const filters = parseOrThrow(agendaFilterSchema, query)
    const list = await this.candidateList(filters)
    // The list names pupils: which filters were used is enough for the record.
    await audit(this.db, this.laCode, actor, {
      action: 'panel.agenda.read',
      recordType: 'panel_session',
      recordId: session.id,
      details: {
        candidates: list.candidates.length,
        filters: Object.entries(filters)
          .filter(([, v]) => v !== undefined)
          .map(([k]) => k)
          .sort(),
      },
    })
    return { session, ...list, filters }
  }

  /** The form's lists, for a page shown again after its filters were refused. */
  async agendaForm(actor: Actor, sessionId: string) {
    authorise(actor, 'panel.manage')
    const session = await this.loadSession(sessionId)
    return {
      session,
      candidates: [],
      settings: await this.store.settings(),
      localities: await this.store.localities(),
    }
  }

  private async candidateList(filters: z.output<typeof agendaFilterSchema>) {
    const sqlFilters: AgendaFilters = {
      settingId: filters.school,
      locality: filters.locality,
      level: filters.level,
      submittedFrom: filters.from,
      submittedTo: filters.to ? addDays(filters.to, 1) : undefined,
    }
    let candidates = await this.store.candidates(sqlFilters)
    if (filters.level8) {
      const bespoke = new Map<string, Set<number>>()
      for (const id of new Set(candidates.map(c => c.matrix_version_id))) {
        const spec = await this.awards.versionSpec(id)
        bespoke.set(id, new Set((spec?.levels ?? []).filter(l => l.bespoke).map(l => l.level)))
      }
      candidates = candidates.filter(
        c => c.level8_referred || (c.level !== null && bespoke.get(c.matrix_version_id)!.has(c.level)),
      )
    }
    return { candidates, settings: await this.store.settings(), localities: await this.store.localities() }
  }

  /** Adds the chosen matrices to the end of the agenda; one already on an open agenda is refused by name. */
  async addToAgenda(actor: Actor, sessionId: string, input: unknown): Promise<number> {
    authorise(actor, 'panel.manage')
    const session = await this.loadSession(sessionId)
    const { awards } = parseOrThrow(addToAgendaSchema, input)
    const ids = [...new Set(awards)]
    const errors: FieldError[] = []
    for (const open of await this.store.openCasesFor(ids)) {
      errors.push({
        field: 'awards',
        message: `${open.first_name} ${open.last_name}’s matrix is already on an open agenda: withdraw it there first`,
      })
    }
    const found = await this.store.awardsForAgenda(ids)
    for (const a of found) {
      if (a.status !== 'submitted' && !errors.length) {
        errors.push({
          field: 'awards',
          message: `${a.first_name} ${a.last_name}’s matrix is ${a.status}, not submitted`,
        })
      }
    }
    if (found.length !== ids.length) errors.push({ field: 'awards', message: 'Choose matrices from the list' })
    if (errors.length) throw new ValidationError(errors)
    return this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      let position = await store.lastPosition(session.id)
      for (const awardId of ids) {
        const caseId = await store.insertCase(session.id, awardId, ++position, actor.userId, this.clock.now())
        await audit(trx, this.laCode, actor, {
          action: 'panel.case.add',
          recordType: 'panel_case',
          recordId: caseId,
          details: { sessionId: session.id, awardId, position },
        })
      }
      return ids.length
    })
  }

  /** Takes a pending case off the agenda; the matrix stays submitted. Returns its session. */
  async withdrawCase(actor: Actor, caseId: string, input: unknown): Promise<string> {
    authorise(actor, 'panel.manage')
    const found = await this.loadCase(caseId)
    const { version } = parseOrThrow(caseVersionSchema, input)
    if (found.status !== 'pending') {
      throw new ValidationError([
        { field: 'withdraw', message: `Only a pending case can be withdrawn; this one is ${found.status}` },
      ])
    }
    if (version !== found.version) throw new ConflictError(STALE_CASE)
    await this.db.transaction().execute(async trx => {
      const next = await this.store
        .withDb(trx)
        .setCaseStatus(found.id, version, ['pending'], 'withdrawn', this.clock.now())
      if (next === null) throw new ConflictError(STALE_CASE)
      await audit(trx, this.laCode, actor, {
        action: 'panel.case.withdraw',
        recordType: 'panel_case',
        recordId: found.id,
        details: { awardId: found.award_id },
      })
    })
    return found.session_id
  }

  /** Everything a member needs to decide a case; the read of the pupil's matrix is audited. */
  async getCase(actor: Actor, caseId: string) {
    authorise(actor, 'panel.read')
    const found = await this.loadCase(caseId)
    const session = (await this.store.session(found.session_id))!
    const award = (await this.awards.findAward(found.award_id))!
    const spec = await this.specOf(award)
    const calculation = calculate(spec, award.funded_setting_type, award.choices as Choices, {
      today: this.clock.today(),
      bands: await this.bandsFor(award),
      bandCode: award.band_code,
      level8: award.level8_package,
      level8Referred: award.level8_referred,
    })
    const slots = slotsOf(spec).map(slot => {
      const code = (award.choices as Choices)[slot.code]
      const descriptor = slot.descriptors.find(d => d.code === code)
      return {
        name: slot.name,
        answer: code === null ? 'No need in this area' : (descriptor?.text ?? 'Not answered'),
        points: descriptor?.points ?? 0,
        evidence: typeof award.evidence[slot.code] === 'string' ? (award.evidence[slot.code] as string) : '',
      }
    })
    const history = (await this.awards.childAwards(award.child_id)).filter(a => a.id !== award.id)
    const legacy = await this.store.exceptionalLegacy(award.child_id, award.id)
    const decisions = await this.store.caseDecisions(found.id)
    const current = decisions.find(d => d.superseded_at === null) ?? null
    const checks = await this.decideChecks(actor, found, session)
    await audit(this.db, this.laCode, actor, {
      action: 'panel.case.read',
      recordType: 'panel_case',
      recordId: found.id,
      details: { awardId: award.id, childId: award.child_id },
    })
    return {
      case: found,
      session,
      award: {
        id: award.id,
        versionName: award.version_name,
        fundedSettingType: award.funded_setting_type,
        level: award.level,
        annualPence: award.annual_pence === null ? null : Number(award.annual_pence),
        bandCode: award.band_code,
        level8Referred: award.level8_referred,
        level8: award.level8_package,
        level8TotalPence: award.level8_total_pence === null ? null : Number(award.level8_total_pence),
        submittedAt: award.submitted_at,
      },
      slots,
      calculation,
      levels: spec.levels.map(l => ({ level: l.level, label: l.label ?? `Level ${l.level}`, bespoke: l.bespoke })),
      history: history.map(a => ({
        id: a.id,
        versionName: a.version_name,
        status: a.status,
        level: a.level,
        annualPence: a.annual_pence === null ? null : Number(a.annual_pence),
        startDate: a.start_date,
        endDate: a.end_date,
      })),
      legacy: legacy
        ? {
            annualPence: Number(legacy.annual_pence),
            startDate: legacy.start_date,
            endDate: legacy.end_date,
            protectedUntil: legacy.protected_until,
            linked: legacy.award_id !== null,
            proposedPence: calculation.annualPence,
            differencePence:
              calculation.annualPence === null ? null : calculation.annualPence - Number(legacy.annual_pence),
          }
        : null,
      current: current ? decisionSummary(current) : null,
      previous: decisions.filter(d => d.superseded_at !== null).map(decisionSummary),
      decide: checks,
      mayManage: this.mayManage(actor),
      defaultStartDate: session.session_date,
    }
  }

  /** Records (or, until issued, re-records) a member's decision on a case. */
  async decide(actor: Actor, caseId: string, input: unknown): Promise<{ decisionId: string; version: number }> {
    authorise(actor, 'panel.decide')
    const found = await this.loadCase(caseId)
    const parsed = parseOrThrow(decisionSchema, input)
    if (found.status === 'issued' || found.status === 'withdrawn') {
      throw new ConflictError(`This case is ${found.status}: its decision can no longer be changed here`)
    }
    const stale = async () =>
      new ConflictError(STALE_CASE, {
        decision: await this.currentOrNull(found.id),
        version: (await this.store.findCase(found.id))?.version,
      })
    if (parsed.version !== found.version) throw await stale()
    const session = (await this.store.session(found.session_id))!
    const checks = await this.decideChecks(actor, found, session)
    if (!checks.member || checks.reasons.length) {
      throw new ValidationError(checks.reasons.map(message => ({ field: 'decision', message })))
    }
    const award = (await this.awards.findAward(found.award_id))!
    const member = checks.member
    const decision = await this.shape(parsed, award, found, session, member.id, actor)
    const current = await this.store.currentDecision(found.id)
    return this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      const next = await store.setCaseStatus(
        found.id,
        parsed.version,
        ['pending', 'decided'],
        'decided',
        this.clock.now(),
      )
      if (next === null) throw await stale()
      let decisionId: string
      if (current && current.issued_at === null) {
        await store.replaceDecision(current.id, decision)
        decisionId = current.id
      } else {
        decisionId = await store.insertDecision(decision)
      }
      await this.awards.withDb(trx).markModerated(award.id, this.clock.now())
      await audit(trx, this.laCode, actor, {
        action: current ? 'panel.decision.change' : 'panel.decision.record',
        recordType: 'panel_decision',
        recordId: decisionId,
        details: {
          caseId: found.id,
          awardId: award.id,
          outcome: decision.outcome,
          proposedLevel: decision.proposedLevel,
          decidedLevel: decision.decidedLevel,
          memberId: member.id,
        },
      })
      return { decisionId, version: next }
    })
  }

  /** Issues one decided case: the decision takes effect. Returns its session. */
  async issueCase(actor: Actor, caseId: string, input: unknown): Promise<string> {
    authorise(actor, 'panel.manage')
    const found = await this.loadCase(caseId)
    const { version } = parseOrThrow(caseVersionSchema, input)
    if (found.status !== 'decided') {
      throw new ValidationError([
        { field: 'issue', message: `Only a decided case can be issued; this one is ${found.status}` },
      ])
    }
    if (version !== found.version) throw new ConflictError(STALE_CASE)
    await this.db.transaction().execute(trx => this.issueIn(trx, actor, found))
    return found.session_id
  }

  /** Issues every decided case of a session, all or none. */
  async issueSession(actor: Actor, sessionId: string): Promise<number> {
    authorise(actor, 'panel.manage')
    const session = await this.loadSession(sessionId)
    const decided = (await this.store.cases(session.id)).filter(c => c.status === 'decided')
    if (!decided.length) {
      throw new ValidationError([{ field: 'issue', message: 'No case of this session has been decided yet' }])
    }
    await this.db.transaction().execute(async trx => {
      for (const c of decided) await this.issueIn(trx, actor, c)
    })
    return decided.length
  }

  /** Supersedes an issued decision with a corrected level and a reason, issued at once. Returns the case. */
  async supersede(actor: Actor, decisionId: string, input: unknown): Promise<string> {
    authorise(actor, 'panel.manage')
    if (!idSchema.safeParse(decisionId).success) throw new NotFoundError()
    const old = await this.store.decision(decisionId)
    if (!old) throw new NotFoundError()
    const parsed = parseOrThrow(supersedeSchema, input)
    if (old.issued_at === null || old.superseded_at !== null) {
      throw new ConflictError('Only the current issued decision can be superseded', decisionSummary(old))
    }
    if (old.outcome !== 'agree' && old.outcome !== 'change_level') {
      throw new ValidationError([
        {
          field: 'level',
          message: 'Only a decision that agreed a level can be superseded; a returned matrix comes back to the panel',
        },
      ])
    }
    if (parsed.version !== old.version) {
      throw new ConflictError('This decision was changed by someone else after you opened it', decisionSummary(old))
    }
    if (parsed.level === old.decided_level) {
      throw new ValidationError([{ field: 'level', message: `Choose a level other than Level ${old.decided_level}` }])
    }
    const award = (await this.awards.findAward(old.award_id))!
    const spec = await this.specOf(award)
    const annualPence = this.price(award, spec, parsed.level, old.start_date!)
    const now = this.clock.now()
    return this.db.transaction().execute(async trx => {
      const store = this.store.withDb(trx)
      if (!(await store.markSuperseded(old.id, parsed.version, now))) {
        throw new ConflictError('This decision was changed by someone else after you opened it')
      }
      const id = await store.insertDecision(
        {
          caseId: old.case_id,
          awardId: old.award_id,
          outcome: parsed.level === old.proposed_level ? 'agree' : 'change_level',
          proposedLevel: old.proposed_level,
          decidedLevel: parsed.level,
          annualPence,
          reason: parsed.reason,
          evidenceNeeded: null,
          startDate: old.start_date,
          protectedUntil: old.protected_until,
          memberId: null,
          decidedBy: actor.userId,
          now,
        },
        { by: actor.userId, supersedes: old.id },
      )
      await this.awards.withDb(trx).relevel(award.id, parsed.level, annualPence, now)
      await audit(trx, this.laCode, actor, {
        action: 'panel.decision.supersede',
        recordType: 'panel_decision',
        recordId: id,
        details: { supersedes: old.id, awardId: award.id, from: old.decided_level, to: parsed.level },
      })
      return old.case_id
    })
  }

  /** The case a decision belongs to, to show it again after a refused supersession. */
  async caseOfDecision(actor: Actor, decisionId: string): Promise<string> {
    authorise(actor, 'panel.read')
    if (!idSchema.safeParse(decisionId).success) throw new NotFoundError()
    const decision = await this.store.decision(decisionId)
    if (!decision) throw new NotFoundError()
    return decision.case_id
  }

  /** The printable letter of an issued decision; a school sees only its own pupils' letters. */
  async letter(actor: Actor, decisionId: string) {
    authorise(actor, 'decision.letter')
    if (!idSchema.safeParse(decisionId).success) throw new NotFoundError()
    const decision = await this.store.decision(decisionId)
    const context = decision?.issued_at ? await this.store.letterContext(decision.case_id) : undefined
    if (!decision || !context || (actor.role === 'school_user' && context.setting_id !== actor.settingId)) {
      await audit(this.db, this.laCode, actor, {
        action: 'decision.letter.read',
        recordType: 'panel_decision',
        recordId: decisionId,
        outcome: 'denied',
      })
      throw new NotFoundError()
    }
    const award = (await this.awards.findAward(decision.award_id))!
    const spec = await this.specOf(award)
    const replacedBy = decision.superseded_at
      ? (await this.store.caseDecisions(decision.case_id)).find(d => d.supersedes === decision.id)
      : undefined
    await audit(this.db, this.laCode, actor, {
      action: 'decision.letter.read',
      recordType: 'panel_decision',
      recordId: decision.id,
      details: { awardId: decision.award_id },
    })
    return {
      decision: decisionSummary(decision),
      context,
      versionName: award.version_name,
      explanation: moneyExplanation(spec, award, decision),
      replacedBy: replacedBy ? decisionSummary(replacedBy) : null,
    }
  }

  // What a decision needs and says, checked against the award and its version.
  private async shape(
    input: DecisionInput,
    award: AwardRow,
    found: CaseRow,
    session: SessionRow,
    memberId: string,
    actor: Actor,
  ): Promise<NewDecision> {
    const spec = await this.specOf(award)
    const proposed = award.level
    const sets = input.outcome === 'agree' || input.outcome === 'change_level'
    let decidedLevel: number | null = null
    if (input.outcome === 'agree') {
      if (proposed === null)
        throw new ValidationError([{ field: 'outcome', message: 'The matrix has no level to agree' }])
      decidedLevel = proposed
    } else if (input.outcome === 'change_level') {
      decidedLevel = Number(input.level)
      if (!spec.levels.some(l => l.level === decidedLevel)) {
        throw new ValidationError([{ field: 'level', message: `Choose one of the levels of ${award.version_name}` }])
      }
      if (decidedLevel === proposed) {
        throw new ValidationError([
          { field: 'level', message: 'Choose a level other than the proposed one, or agree it' },
        ])
      }
    }
    const startDate = sets ? (input.startDate ?? session.session_date) : null
    const legacy = sets ? await this.store.exceptionalLegacy(award.child_id, award.id) : undefined
    const protectedUntil = legacy ? input.protectedUntil : null
    if (protectedUntil && startDate && protectedUntil < startDate) {
      throw new ValidationError([
        { field: 'protectedUntil', message: 'The protection must end on or after the date funding starts' },
      ])
    }
    return {
      caseId: found.id,
      awardId: award.id,
      outcome: input.outcome,
      proposedLevel: proposed,
      decidedLevel,
      annualPence: sets ? this.price(award, spec, decidedLevel!, startDate!) : null,
      reason: input.reason,
      evidenceNeeded: input.outcome === 'return' ? input.evidenceNeeded : null,
      startDate,
      protectedUntil,
      memberId,
      decidedBy: actor.userId,
      now: this.clock.now(),
    }
  }

  /**
   * The annual amount at a level from a date: the version's table rate for the award's type of
   * setting in that financial year; a special school keeps its band; a bespoke level is its package.
   */
  private price(award: AwardRow, spec: MatrixVersionSpec, level: number, startDate: string): number {
    const refuse = (message: string) => new ValidationError([{ field: 'level', message }])
    const row = spec.levels.find(l => l.level === level)
    if (!row) throw refuse(`Choose one of the levels of ${award.version_name}`)
    if (award.funded_setting_type === 'special') {
      if (award.annual_pence === null) throw refuse('The matrix has no provision band to fund the pupil by')
      return Number(award.annual_pence)
    }
    const label = row.label ?? `Level ${level}`
    if (row.bespoke) {
      if (award.level8_total_pence === null) {
        throw refuse(
          `${label} is funded by a costed package the school has not made: refer the pupil for Level 8 instead`,
        )
      }
      return Number(award.level8_total_pence)
    }
    try {
      return tableRate(spec, award.funded_setting_type, level)(financialYearOf(startDate))
    } catch (error) {
      if (error instanceof RangeError) throw refuse(`${error.message}: choose another level or start date`)
      throw error
    }
  }

  // Inside the caller's transaction: the decision takes effect on the award and any legacy amount.
  private async issueIn(trx: Kysely<DB>, actor: Actor, found: CaseRow): Promise<void> {
    const store = this.store.withDb(trx)
    const awards = this.awards.withDb(trx)
    const now = this.clock.now()
    const decision = await store.currentDecision(found.id)
    if (!decision || decision.issued_at !== null) throw new ConflictError('This case has no decision to issue')
    if ((await store.setCaseStatus(found.id, found.version, ['decided'], 'issued', now)) === null) {
      throw new ConflictError(STALE_CASE)
    }
    await store.issueDecision(decision.id, actor.userId, now)
    const award = (await awards.findAward(found.award_id))!
    const ended: string[] = []
    if (decision.outcome === 'agree' || decision.outcome === 'change_level') {
      const startDate = decision.start_date!
      const ok = await awards.markAgreed(
        award.id,
        actor.userId,
        { startDate, level: decision.decided_level!, annualPence: Number(decision.annual_pence) },
        now,
      )
      if (!ok)
        throw new ConflictError(`${found.first_name} ${found.last_name}’s matrix is no longer awaiting the panel`)
      // The child's earlier agreed award ends the day before, so no day is paid twice.
      const endDate = addDays(startDate, -1)
      for (const previous of await awards.agreedRunningOn(award.child_id, award.id, startDate)) {
        if (previous.start_date > endDate) {
          throw new ValidationError([
            {
              field: 'issue',
              message: `${found.first_name} ${found.last_name}’s decision starts before their current award (from ${previous.start_date}): record a later start date`,
            },
          ])
        }
        await awards.endAward(previous.id, endDate, now)
        ended.push(previous.id)
      }
      const legacy = await store.exceptionalLegacy(award.child_id, award.id)
      if (legacy && legacy.award_id === null) {
        const legacyEnd = legacy.end_date === null || legacy.end_date > endDate ? endDate : legacy.end_date
        await store.linkLegacy(legacy.id, award.id, legacyEnd, decision.protected_until, now)
      }
    } else {
      const referred = decision.outcome === 'refer_level8'
      const reason = referred ? `Referred for Level 8: ${decision.reason}` : decision.evidence_needed!
      if (!(await awards.markReturned(award.id, actor.userId, reason, referred, now))) {
        throw new ConflictError(`${found.first_name} ${found.last_name}’s matrix is no longer awaiting the panel`)
      }
    }
    await audit(trx, this.laCode, actor, {
      action: 'panel.decision.issue',
      recordType: 'panel_decision',
      recordId: decision.id,
      details: { caseId: found.id, awardId: award.id, outcome: decision.outcome, ended },
    })
  }

  /** Whether the actor may decide this case now, and if not, why. */
  private async decideChecks(actor: Actor, found: CaseRow, session: SessionRow) {
    const reasons: string[] = []
    const open = found.status === 'pending' || found.status === 'decided'
    if (!mayModerate(actor, 'panel.decide')) return { may: false, open, member: null, reasons, quorum: null }
    const member = await this.store.memberFor(session.panel_id, actor.userId)
    const presentIds = new Set(await this.store.presentMemberIds(session.id))
    const present = (await this.store.members(session.panel_id)).filter(m => presentIds.has(m.id))
    const quorum = quorumFor(present.map(asMember), session.quorum, found.setting_id)
    if (!member || !member.active) {
      return { may: false, open, member: null, reasons: ['You are not an active member of this panel'], quorum }
    }
    if (!presentIds.has(member.id)) reasons.push(`${member.display_name} is not recorded as present at this session`)
    const conflict = conflictOf(asMember(member), found.setting_id, found.setting_name)
    if (conflict) reasons.push(conflict)
    if (quorum.message) reasons.push(quorum.message)
    return { may: open && !reasons.length, open, member, reasons, quorum }
  }

  private async currentOrNull(caseId: string) {
    const d = await this.store.currentDecision(caseId)
    return d ? decisionSummary(d) : null
  }

  private async loadPanel(panelId: string) {
    if (!idSchema.safeParse(panelId).success) throw new NotFoundError()
    const panel = await this.store.panel(panelId)
    if (!panel) throw new NotFoundError()
    return panel
  }

  private async loadSession(sessionId: string) {
    if (!idSchema.safeParse(sessionId).success) throw new NotFoundError()
    const session = await this.store.session(sessionId)
    if (!session) throw new NotFoundError()
    return session
  }

  private async loadCase(caseId: string) {
    if (!idSchema.safeParse(caseId).success) throw new NotFoundError()
    const found = await this.store.findCase(caseId)
    if (!found) throw new NotFoundError()
    return found
  }

  private async specOf(award: AwardRow): Promise<MatrixVersionSpec> {
    const spec = await this.awards.versionSpec(award.matrix_version_id)
    if (!spec) throw new NotFoundError()
    return spec
  }

  private async bandsFor(award: AwardRow) {
    if (award.funded_setting_type !== 'special') return []
    return this.awards.bands(award.setting_id, financialYearOf(this.clock.today()))
  }
}

function asMember(m: MemberRow): Member {
  return { id: m.id, name: m.display_name, settingId: m.setting_id, settingName: m.setting_name }
}

export type DecisionSummary = ReturnType<typeof decisionSummary>

function decisionSummary(d: DecisionRow) {
  return {
    id: d.id,
    caseId: d.case_id,
    outcome: d.outcome,
    outcomeLabel: OUTCOME_LABELS[d.outcome],
    proposedLevel: d.proposed_level,
    decidedLevel: d.decided_level,
    annualPence: d.annual_pence === null ? null : Number(d.annual_pence),
    reason: d.reason,
    evidenceNeeded: d.evidence_needed,
    startDate: d.start_date,
    protectedUntil: d.protected_until,
    decidedBy: d.decided_by_name,
    decidedAt: d.decided_at,
    issuedAt: d.issued_at,
    supersedes: d.supersedes,
    supersededAt: d.superseded_at,
    version: d.version,
  }
}

/** One sentence a school can check: how the agreed amount was reached. */
function moneyExplanation(spec: MatrixVersionSpec, award: AwardRow, d: DecisionRow): string | null {
  if (d.decided_level === null || d.annual_pence === null || d.start_date === null) return null
  const row = spec.levels.find(l => l.level === d.decided_level)
  const label = row?.label ?? `Level ${d.decided_level}`
  const pounds = formatPounds(Number(d.annual_pence))
  if (award.funded_setting_type === 'special') {
    return `Special schools are funded by provision: band ${award.band_code ?? ''} is ${pounds} a place a year. The panel recorded ${label}.`
  }
  if (row?.bespoke) return `${label} is funded by the costed package the panel approved: ${pounds} a year.`
  const setting = award.funded_setting_type.replace('_', ' ')
  return `Under ${spec.name}, the ${financialYearOf(d.start_date)} ${setting} rate for ${label} is ${pounds} a year, paid from ${formatDate(d.start_date)}.`
}
