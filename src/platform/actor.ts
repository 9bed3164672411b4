// Who is acting: carried from the signed-in session into every service call and audit row.
export const ROLES = [
  'la_admin',
  'send_manager',
  'case_officer',
  'panel_member',
  'finance_officer',
  'school_user',
] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = {
  la_admin: 'LA admin',
  send_manager: 'SEND manager',
  case_officer: 'Case officer',
  panel_member: 'Panel member',
  finance_officer: 'Finance officer',
  school_user: 'School user',
}

export type Actor = {
  userId: string
  username: string
  displayName: string
  role: Role
  /** The one setting a school user belongs to; null for LA staff. */
  settingId: string | null
  ip: string | null
}
