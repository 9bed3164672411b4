import { isIsoDate } from '../../platform/time/dates.ts'

// The improvement programme's rules: progress of the Written Statement of Action's actions by priority
// area, overdue actions, what a valid action looks like, and a plan item's RAG status at a past date
// from its kept changes. Pure: the date comes in as an argument.

export const STATUSES = ['not_started', 'in_progress', 'completed'] as const
export type Status = (typeof STATUSES)[number]
export const STATUS_LABELS: Record<Status, string> = {
  not_started: 'Not started',
  in_progress: 'In progress',
  completed: 'Completed',
}

/** Worst first, so a move up the list is an improvement. */
export const RAGS = ['at_risk', 'monitor', 'on_track'] as const
export type Rag = (typeof RAGS)[number]
export const RAG_LABELS: Record<Rag, string> = { on_track: 'On track', monitor: 'Monitor', at_risk: 'At risk' }

/** The live figures an action or plan item can be linked to, and which way is better. */
export const MEASURES = ['twenty_weeks_incl', 'twenty_weeks_excl', 'reviews_outstanding', 'plans_ceased'] as const
export type Measure = (typeof MEASURES)[number]
export const MEASURE_LABELS: Record<Measure, { label: string; unit: '%' | ''; better: 'higher' | 'lower' }> = {
  twenty_weeks_incl: {
    label: 'New EHC plans issued within 20 weeks, including exceptions',
    unit: '%',
    better: 'higher',
  },
  twenty_weeks_excl: {
    label: 'New EHC plans issued within 20 weeks, excluding exceptions',
    unit: '%',
    better: 'higher',
  },
  reviews_outstanding: { label: 'Annual reviews outstanding', unit: '', better: 'lower' },
  plans_ceased: { label: 'EHC plans ceased this year', unit: '', better: 'higher' },
}

export type ActionLike = { status: Status; due_date: string }

export function isOverdue(action: ActionLike, today: string): boolean {
  return action.status !== 'completed' && action.due_date < today
}

export type Progress = { notStarted: number; inProgress: number; completed: number; total: number; overdue: number }

export function progressOf(actions: readonly ActionLike[], today: string): Progress {
  const p = { notStarted: 0, inProgress: 0, completed: 0, total: actions.length, overdue: 0 }
  for (const a of actions) {
    if (a.status === 'completed') p.completed++
    else if (a.status === 'in_progress') p.inProgress++
    else p.notStarted++
    if (isOverdue(a, today)) p.overdue++
  }
  return p
}

export type RagChange = { from_rag: Rag | null; to_rag: Rag; changed_on: string }

/**
 * The RAG status in force at the end of `date`: the last change made on or before it, or, when every
 * change came later, what the first of them changed from (null: the item did not exist yet).
 */
export function ragOn(current: Rag, changes: readonly RagChange[], date: string): Rag | null {
  const sorted = [...changes].sort((a, b) => (a.changed_on < b.changed_on ? -1 : a.changed_on > b.changed_on ? 1 : 0))
  if (!sorted.length) return current
  let at: Rag | null = sorted[0]!.from_rag
  for (const c of sorted) if (c.changed_on <= date) at = c.to_rag
  return at
}

/** How a RAG moved between two dates: better, worse, the same, or new since. */
export function movement(before: Rag | null, now: Rag): 'better' | 'worse' | 'same' | 'new' {
  if (before === null) return 'new'
  const d = RAGS.indexOf(now) - RAGS.indexOf(before)
  return d > 0 ? 'better' : d < 0 ? 'worse' : 'same'
}

/** The same day one month earlier (the last day of that month when it is shorter). */
export function monthBefore(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const year = m === 1 ? y - 1 : y
  const month = m === 1 ? 12 : m - 1
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

export type ActionInput = {
  description: string
  owner: string
  dueDate: string
  status: string
  evidence: string
  completedOn: string
}

export type Problem = { field: string; message: string }

/** Each thing wrong with an action as entered, by form field; empty when it can be saved. */
export function actionProblems(input: ActionInput, today: string): Problem[] {
  const problems: Problem[] = []
  if (!input.description.trim()) problems.push({ field: 'description', message: 'Enter what the action is' })
  else if (input.description.length > 2000)
    problems.push({ field: 'description', message: 'The action must be 2,000 characters or fewer' })
  if (!input.owner.trim()) problems.push({ field: 'owner', message: 'Enter who owns the action' })
  else if (input.owner.length > 200)
    problems.push({ field: 'owner', message: 'The owner must be 200 characters or fewer' })
  if (!isIsoDate(input.dueDate.trim()))
    problems.push({ field: 'dueDate', message: 'Enter the due date as a real date, like 2026-06-30' })
  if (!(STATUSES as readonly string[]).includes(input.status))
    problems.push({ field: 'status', message: 'Choose whether the action is not started, in progress or completed' })
  if (input.evidence.length > 5000)
    problems.push({ field: 'evidence', message: 'The evidence notes must be 5,000 characters or fewer' })
  const completedOn = input.completedOn.trim()
  if (input.status === 'completed') {
    if (!isIsoDate(completedOn))
      problems.push({ field: 'completedOn', message: 'Enter the date the action was completed, like 2026-06-30' })
    else if (completedOn > today)
      problems.push({ field: 'completedOn', message: 'The completion date must be today or in the past' })
  } else if (completedOn)
    problems.push({ field: 'completedOn', message: 'Leave the completion date blank unless the action is completed' })
  return problems
}
