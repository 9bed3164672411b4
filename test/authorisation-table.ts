// Who may do what, route by route: the policy the authorisation tests check every route against.
// test/authorisation.test.ts fails when a route the app registers has no row here, or a row names
// a route that no longer exists, so a new route cannot ship without someone deciding who may use it.
//
// A school user's column can say `own(…, …)`: the status for a record at their own school
// (School A in the fixture), then for a record at another school (School B). Every role is
// tried against both records; a plain status means the same for both.
import type { Role } from '../src/platform/actor.ts'
import type { Fixture } from './support/fixture.ts'
import { DEMO_RESERVE_FUND_ID } from '../src/planning/budget-demo.ts'

export type Status = 200 | 303 | 400 | 401 | 403 | 404 | 415 | 415
export type Expected = Status | { own: Status; other: Status }
export type Who = Role | 'anonymous'

export type Row = {
  /** Express's pattern for the route: 'METHOD /path/:param'. */
  route: string
  expect: Record<Who, Expected>
  /** Anyone may reach it without signing in. */
  public?: boolean
  /** Sent as the body of a POST (as a form for pages, as JSON under /api/). Harmless by design. */
  body?: Record<string, string>
  /** The request ends the session, so each one is made by a client signed in for it alone. */
  endsSession?: boolean
}

const own = (ownSchool: Status, otherSchool: Status): Expected => ({ own: ownSchool, other: otherSchool })

function row(
  route: string,
  la_admin: Expected,
  send_manager: Expected,
  case_officer: Expected,
  panel_member: Expected,
  finance_officer: Expected,
  school_user: Expected,
  anonymous: Expected,
  options: Omit<Row, 'route' | 'expect'> = {},
): Row {
  const expect = { la_admin, send_manager, case_officer, panel_member, finance_officer, school_user, anonymous }
  return { route, expect, ...options }
}

const SEARCH = { q: 'Quill' }
// prettier-ignore
export const TABLE: Row[] = [
  //  route                              la_admin send_mgr case_off panel finance school_user    anonymous
  row('GET /health',                     200,     200,     200,     200,  200,    200,           200, { public: true }),
  row('GET /accessibility',              200,     200,     200,     200,  200,    200,           200, { public: true }),
  row('GET /sign-in',                    303,     303,     303,     303,  303,    303,           200, { public: true }),
  // An empty form: the validation answer, for everyone.
  row('POST /sign-in',                   400,     400,     400,     400,  400,    400,           400, { public: true }),
  row('POST /sign-out',                  303,     303,     303,     303,  303,    303,           303, { public: true, endsSession: true }),

  row('GET /',                           200,     200,     200,     200,  200,    200,           303),
  row('GET /children',                   200,     200,     200,     403,  403,    200,           303),
  row('POST /children/search',           303,     303,     303,     403,  403,    303,           303, {
    body: SEARCH }),
  row('GET /children/:childId',          200,     200,     200,     403,  403,    own(200, 404), 303),
  row('GET /settings',                   200,     200,     200,     200,  200,    200,           303),
  row('GET /settings/:settingId',        200,     200,     200,     200,  200,    own(200, 404), 303),

  row('GET /api/v1/children',            200,     200,     200,     403,  403,    200,           401),
  row('POST /api/v1/children/search',    200,     200,     200,     403,  403,    200,           401, { body: SEARCH }),
  row('GET /api/v1/children/:childId',   200,     200,     200,     403,  403,    own(200, 404), 401),
  row('GET /api/v1/settings',            200,     200,     200,     200,  200,    200,           401),
  row('GET /api/v1/settings/:settingId', 200,     200,     200,     200,  200,    own(200, 404), 401),

  row('GET /admin/audit',                200,     403,     403,     403,  403,    403,           303),
  row('GET /api/v1/audit',               200,     403,     403,     403,  403,    403,           401),

  // Panel consistency (src/moderation/consistency*): aggregates of the panel's decisions, for the
  // LA admin, the SEND manager and panel members; no pupil is named, so nobody else needs it.
  row('GET /moderation/consistency',      200,     200,     403,     200,  403,    403,           303),
  row('GET /moderation/consistency.csv',  200,     200,     403,     200,  403,    403,           303),
  row('GET /moderation/consistency.xlsx', 200,     200,     403,     200,  403,    403,           303),

  // Requests for an EHC needs assessment (src/casework/request*): LA SEND staff read them; case officers
  // and SEND managers act on them; a school never sees casework here. The request is Cara's (final plan
  // issued), so its letter exists; the harmless POSTs send no version number or date: the validation answer.
  row('GET /children/:childId/ehc-requests/new',                                    403, 200, 200, 403, 403, 403, 303),
  row('POST /children/:childId/ehc-requests',                                       403, 400, 400, 403, 403, 403, 303),
  row('GET /casework/requests',                                                     200, 200, 200, 403, 403, 403, 303),
  row('GET /casework/requests/:requestId',                                          200, 200, 200, 403, 403, 403, 303),
  row('POST /casework/requests/:requestId/officer',                                 403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/requests/:requestId/decision',                                403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/requests/:requestId/advice',                                  403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/requests/:requestId/advice/:adviceId/receipt',                403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/requests/:requestId/outcome',                                 403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/requests/:requestId/draft',                                   403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/requests/:requestId/consultations',                           403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/requests/:requestId/consultations/:consultationId/response',  403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/requests/:requestId/final',                                   403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/requests/:requestId/withdraw',                                403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/requests/:requestId/exceptions',                              403, 400, 400, 403, 403, 403, 303),
  row('GET /casework/requests/:requestId/letters/:letterKind',                      200, 200, 200, 403, 403, 403, 303),
  // The working-day calendar every clock counts with: the LA admin keeps it. No date sent: 400.
  row('GET /casework/non-working-days',                                             200, 403, 403, 403, 403, 403, 303),
  row('POST /casework/non-working-days',                                            400, 403, 403, 403, 403, 403, 303),

  // CSV import (src/people/import*). The LA admin's harmless request names no file: the form
  // answers 400, the result page with no import behind it goes back to the form, the API wants text/csv.
  row('GET /imports',                    200,     403,     403,     403,  403,    403,           303),
  row('POST /imports',                   400,     403,     403,     403,  403,    403,           303),
  row('GET /imports/result',             303,     403,     403,     403,  403,    403,           303),
  row('POST /api/v1/imports/:kind',      415,     403,     403,     403,  403,    403,           401),

  // Matrix versions (src/funding). Finance and the LA admin manage them; SEND staff read them. The
  // harmless POSTs send no document, no status and no version number: the validation answer. A copy is
  // a new draft, harmless too.
  row('GET /funding/versions',                            200, 200, 200, 403, 200, 403, 303),
  row('GET /funding/versions/new',                        200, 403, 403, 403, 200, 403, 303),
  row('POST /funding/versions',                           400, 403, 403, 403, 400, 403, 303),
  row('GET /funding/versions/:versionId',                 200, 200, 200, 403, 200, 403, 303),
  row('GET /funding/versions/:versionId/edit',            200, 403, 403, 403, 200, 403, 303),
  row('POST /funding/versions/:versionId/edit',           400, 403, 403, 403, 400, 403, 303),
  row('POST /funding/versions/:versionId/status',         400, 403, 403, 403, 400, 403, 303),
  row('POST /funding/versions/:versionId/copy',           303, 403, 403, 403, 303, 403, 303),
  row('GET /api/v1/funding/versions',                     200, 200, 200, 403, 200, 403, 401),
  row('GET /api/v1/funding/versions/:versionId',          200, 200, 200, 403, 200, 403, 401),
  row('POST /api/v1/funding/versions',                    400, 403, 403, 403, 400, 403, 401),
  row('POST /api/v1/funding/versions/:versionId/status',  400, 403, 403, 403, 400, 403, 401),

  // Awards (src/funding/award*). SEND staff and a school's own SENCo complete matrices; the moderation
  // panel agrees or returns them (below). Starting resumes the fixture's open matrix; the other
  // harmless POSTs send no version number: the validation answer.
  row('POST /children/:childId/awards',                        303, 303, 303, 403, 403, own(303, 404), 303),
  row('GET /children/:childId/awards/:awardId',                200, 200, 200, 403, 403, own(200, 404), 303),
  row('POST /children/:childId/awards/:awardId/calculate',     400, 400, 400, 403, 403, own(400, 404), 303),
  row('POST /children/:childId/awards/:awardId/save',          400, 400, 400, 403, 403, own(400, 404), 303),
  row('POST /children/:childId/awards/:awardId/submit',        400, 400, 400, 403, 403, own(400, 404), 303),
  row('GET /api/v1/children/:childId/awards',                  200, 200, 200, 403, 403, own(200, 404), 401),
  row('POST /api/v1/children/:childId/awards',                 200, 200, 200, 403, 403, own(200, 404), 401),
  row('GET /api/v1/awards/:awardId',                           200, 200, 200, 403, 403, own(200, 404), 401),
  row('POST /api/v1/awards/:awardId',                          400, 400, 400, 403, 403, own(400, 404), 401),
  row('POST /api/v1/awards/:awardId/submit',                   400, 400, 400, 403, 403, own(400, 404), 401),

  // The moderation panel (src/moderation/web.ts). The SEND manager (or the LA admin) sets up panels,
  // members, sessions, attendance and agendas, issues and supersedes decisions; panel members read
  // them and decide (a seat, presence, no conflict and a quorum are checked per case, after the
  // form). A decision letter goes to LA staff who need it, and to a school only for its own pupils.
  // The harmless POSTs send no name, version, member or decision: the validation answer; the
  // upcoming session has nothing decided to issue.
  row('GET /moderation/panels',                               200, 200, 403, 200, 403, 403,           303),
  row('POST /moderation/panels',                              400, 400, 403, 403, 403, 403,           303),
  row('GET /moderation/panels/:panelId',                      200, 200, 403, 200, 403, 403,           303),
  row('POST /moderation/panels/:panelId',                     400, 400, 403, 403, 403, 403,           303),
  row('POST /moderation/panels/:panelId/members',             400, 400, 403, 403, 403, 403,           303),
  row('POST /moderation/members/:memberId',                   400, 400, 403, 403, 403, 403,           303),
  row('POST /moderation/panels/:panelId/sessions',            400, 400, 403, 403, 403, 403,           303),
  row('GET /moderation/sessions/:sessionId',                  200, 200, 403, 200, 403, 403,           303),
  row('POST /moderation/sessions/:sessionId/attendance',      400, 400, 403, 403, 403, 403,           303),
  row('GET /moderation/sessions/:sessionId/agenda',           200, 200, 403, 403, 403, 403,           303),
  row('POST /moderation/sessions/:sessionId/agenda',          400, 400, 403, 403, 403, 403,           303),
  row('POST /moderation/sessions/:sessionId/issue',           400, 400, 403, 403, 403, 403,           303),
  row('GET /moderation/cases/:caseId',                        200, 200, 403, 200, 403, 403,           303),
  row('POST /moderation/cases/:caseId/decision',              403, 400, 403, 400, 403, 403,           303),
  row('POST /moderation/cases/:caseId/withdraw',              400, 400, 403, 403, 403, 403,           303),
  row('POST /moderation/cases/:caseId/issue',                 400, 400, 403, 403, 403, 403,           303),
  row('POST /moderation/decisions/:decisionId/supersede',     400, 400, 403, 403, 403, 403,           303),
  row('GET /decisions/:decisionId/letter',                    200, 200, 200, 200, 403, own(200, 404), 303),
  row('POST /api/v1/moderation/cases/:caseId/decision',       403, 400, 403, 400, 403, 403,           401),

  // Funding runs and statements (src/funding/run*). Finance, the LA admin and the SEND manager see every
  // school; a school user only their own statement. Case officers and panel members have no need for them.
  row('GET /funding/runs',                                200, 200, 403, 403, 200, 403, 303),
  row('GET /funding/runs/download',                       200, 200, 403, 403, 200, 403, 303),
  row('GET /funding/statement',                           303, 303, 403, 403, 303, 303, 303),
  row('GET /funding/statements/:settingId',               200, 200, 403, 403, 200, own(200, 404), 303),
  row('GET /funding/statements/:settingId/download',      200, 200, 403, 403, 200, own(200, 404), 303),
  // What-if of a draft version over current awards: the people who run funding. Without a version, the form.
  row('GET /funding/what-if',                             200, 200, 403, 403, 200, 403, 303),
  row('GET /funding/what-if/download',                    400, 400, 403, 403, 400, 403, 303),
  // Special-school provision bands: the harmless POST names no band, so the form answers 400.
  row('GET /funding/bands',                               200, 200, 403, 403, 200, 403, 303),
  row('GET /funding/bands/:specialId',                    200, 200, 403, 403, 200, 403, 303),
  row('POST /funding/bands/:specialId',                   400, 403, 403, 403, 400, 403, 303),
  row('GET /api/v1/funding/bands/:specialId',             200, 200, 403, 403, 200, 403, 401),
  // Legacy funding import: the harmless POST sends no file, so the form answers 400.
  row('GET /funding/legacy',                              200, 403, 403, 403, 200, 403, 303),
  row('POST /funding/legacy',                             400, 403, 403, 403, 400, 403, 303),

  // Legacy exceptional funding moving onto the matrix (src/funding/transition*): SEND staff, finance and
  // panel members read the cases; a SEND manager (or the LA admin) sets the protection date. The
  // harmless POST sends no version number: the validation answer.
  row('GET /funding/transition',                          200, 200, 403, 200, 200, 403, 303),
  row('GET /funding/transition/download',                 200, 200, 403, 200, 200, 403, 303),
  row('GET /funding/transition/:legacyId',                200, 200, 403, 200, 200, 403, 303),
  row('POST /funding/transition/:legacyId',               400, 400, 403, 403, 403, 403, 303),

  // EHC plans after issue: annual and phase-transfer reviews, amendments, cessation, letters and the
  // lists (src/casework/plan*, review*). SEND managers and case officers work on them; the LA admin
  // reads them; schools, the panel and finance have no need of a child's casework. Opening a review
  // resumes the open one after the first; the other harmless POSTs send no version or dates: the
  // validation answer.
  row('GET /children/:childId/plans/new',                     403, 200, 200, 403, 403, 403, 303),
  row('POST /children/:childId/plans',                        403, 400, 400, 403, 403, 403, 303),
  row('GET /casework/plans/:planId',                          200, 200, 200, 403, 403, 403, 303),
  row('POST /casework/plans/:planId/reviews',                 403, 303, 303, 403, 403, 403, 303),
  row('GET /casework/plans/:planId/cessation',                200, 200, 200, 403, 403, 403, 303),
  row('POST /casework/plans/:planId/cessation',               403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/plans/:planId/cease',                   403, 400, 400, 403, 403, 403, 303),
  row('GET /casework/plans/:planId/letters/:planLetter',      200, 200, 200, 403, 403, 403, 303),
  row('GET /casework/reviews',                                200, 200, 200, 403, 403, 403, 303),
  row('GET /casework/phase-transfers',                        200, 200, 200, 403, 403, 403, 303),
  row('GET /casework/reviews/:reviewId',                      200, 200, 200, 403, 403, 403, 303),
  row('POST /casework/reviews/:reviewId',                     403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/reviews/:reviewId/amendments',          403, 400, 400, 403, 403, 403, 303),
  row('GET /casework/amendments/:amendmentId',                200, 200, 200, 403, 403, 403, 303),
  row('POST /casework/amendments/:amendmentId',               403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/amendments/:amendmentId/issue',         403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/amendments/:amendmentId/consultations', 403, 400, 400, 403, 403, 403, 303),

  // Disagreements and complaints (src/casework/dispute*): mediation cases and tribunal appeals (R13–R16),
  // complaints and compliments. LA SEND staff read them; case officers and SEND managers record them;
  // the LA admin only reads; schools, the panel and finance have no need of them. The harmless POSTs
  // send no dates or version: the validation answer.
  row('GET /casework/disputes',                               200, 200, 200, 403, 403, 403, 303),
  row('GET /children/:childId/mediation/new',                 403, 200, 200, 403, 403, 403, 303),
  row('POST /children/:childId/mediation',                    403, 400, 400, 403, 403, 403, 303),
  row('GET /casework/mediation/:mediationId',                 200, 200, 200, 403, 403, 403, 303),
  row('POST /casework/mediation/:mediationId',                403, 400, 400, 403, 403, 403, 303),
  row('GET /children/:childId/appeals/new',                   403, 200, 200, 403, 403, 403, 303),
  row('POST /children/:childId/appeals',                      403, 400, 400, 403, 403, 403, 303),
  row('GET /casework/appeals/:appealId',                      200, 200, 200, 403, 403, 403, 303),
  row('POST /casework/appeals/:appealId',                     403, 400, 400, 403, 403, 403, 303),
  row('GET /casework/complaints',                             200, 200, 200, 403, 403, 403, 303),
  row('POST /casework/complaints',                            403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/compliments',                           403, 400, 400, 403, 403, 403, 303),
  row('GET /casework/complaints/:complaintId',                200, 200, 200, 403, 403, 403, 303),
  row('POST /casework/complaints/:complaintId/response',      403, 400, 400, 403, 403, 403, 303),
  row('POST /casework/complaints/:complaintId/escalation',    403, 400, 400, 403, 403, 403, 303),
  // Work queues, capacity and measures (src/casework/queue-web.ts): casework staff read; only managers
  // and admins set capacity. Empty posts and a download with no table named get the validation answer.
  row('GET /casework',                                        200, 200, 200, 403, 403, 403, 303),
  row('GET /casework/capacity',                               200, 200, 403, 403, 403, 403, 303),
  row('POST /casework/capacity',                              400, 400, 403, 403, 403, 403, 303),
  row('GET /casework/measures',                               200, 200, 200, 403, 403, 403, 303),
  row('GET /casework/measures/download',                      400, 400, 400, 403, 403, 403, 303),
  // The SEN2 return (src/insight/sen2*): person-level special-category data for DfE, made and downloaded
  // only by the LA admin and SEND managers (every page and file audited). With no date named, the
  // latest census date (15 January 2026 on the fixture's today).
  row('GET /insight/sen2',                                    200, 200, 403, 403, 403, 403, 303),
  row('GET /insight/sen2/return.xml',                         200, 200, 403, 403, 403, 403, 303),
  row('GET /insight/sen2/module-:sen2Module.csv',             200, 200, 403, 403, 403, 403, 303),
  row('GET /insight/sen2/validation.csv',                     200, 200, 403, 403, 403, 403, 303),
  // Benchmarking (src/insight/benchmark*, published*): the DfE's published figures for every authority,
  // not personal data. LA staff who plan or report read them; the panel and schools have no need of
  // them. Only the LA admin imports them; an empty form gets the validation answer. With nothing
  // imported the page says how, and a download is an empty table.
  row('GET /insight/benchmarking',                            200, 200, 200, 403, 200, 403, 303),
  row('GET /insight/benchmarking/download',                   200, 200, 200, 403, 200, 403, 303),
  row('GET /insight/published',                               200, 403, 403, 403, 403, 403, 303),
  // Planning (src/planning/forecast*, sufficiency*): aggregates of the caseload projected forward, for the
  // LA admin, the SEND manager and the finance officer (read only).
  row('GET /planning/forecast',                               200, 200, 403, 403, 200, 403, 303),
  row('GET /planning/sufficiency',                            200, 200, 403, 403, 200, 403, 303),
  row('GET /api/v1/planning/forecast',                        200, 200, 403, 403, 200, 403, 401),
  // Recording a setting's places is the LA's planning decision: the LA admin and the SEND manager. The
  // harmless POST sends no version: the validation answer.
  row('GET /planning/sufficiency/settings/:settingId',        200, 200, 403, 403, 403, 403, 303),
  row('POST /planning/sufficiency/settings/:settingId',       400, 400, 403, 403, 403, 403, 303),
  // The High Needs budget and reserve plans (src/planning/budget*, reserve*): finance officers and LA admins
  // keep them, the SEND manager reads them; no pupil is named. The harmless POST sends no version: 400.
  row('GET /planning/budget',                                 200, 200, 403, 403, 200, 403, 303),
  row('POST /planning/budget/scenarios',                      400, 403, 403, 403, 400, 403, 303),
  row('GET /planning/budget/assumptions',                     200, 403, 403, 403, 200, 403, 303),
  row('POST /planning/budget/assumptions',                    400, 403, 403, 403, 400, 403, 303),
  row('GET /planning/budget/lines/:year/:line',               200, 403, 403, 403, 200, 403, 303),
  row('POST /planning/budget/lines/:year/:line',              400, 403, 403, 403, 400, 403, 303),
  row('GET /planning/budget/dsg/:year/:block',                200, 403, 403, 403, 200, 403, 303),
  row('POST /planning/budget/dsg/:year/:block',               400, 403, 403, 403, 400, 403, 303),
  row('GET /planning/reserves',                               200, 200, 403, 403, 200, 403, 303),
  row('GET /planning/reserves/:fundId',                       200, 200, 403, 403, 200, 403, 303),
  row('POST /planning/reserves/:fundId/lines',                400, 403, 403, 403, 400, 403, 303),
  // Cluster budgets (src/planning/cluster*): LA staff see every cluster; a school user sees and records for
  // the cluster their school hosts (Northtown, hosted by School A), and another is not found. The formula
  // is the finance officer's and LA admin's. The harmless POSTs send nothing: the validation answer.
  // The improvement programme (src/programme/): the SEND manager and LA admin keep it, other LA staff read it.
  row('GET /programme',                                       200, 200, 200, 200, 200, 403, 303),
  row('GET /programme/download',                              404, 404, 404, 404, 404, 403, 303),
  row('GET /programme/import',                                200, 200, 403, 403, 403, 403, 303),
  row('POST /programme/import',                               400, 400, 403, 403, 403, 403, 303),
  row('GET /programme/areas/:areaId',                         200, 200, 200, 200, 200, 403, 303),
  row('GET /programme/actions/:actionId',                     200, 200, 200, 200, 200, 403, 303),
  row('POST /programme/actions/:actionId',                    400, 400, 403, 403, 403, 403, 303),
  row('GET /programme/items/:itemId',                         200, 200, 200, 200, 200, 403, 303),
  row('POST /programme/items/:itemId',                        400, 400, 403, 403, 403, 403, 303),
  row('GET /planning/clusters',                               200, 200, 403, 403, 200, 200, 303),
  row('POST /planning/clusters/formula',                      400, 403, 403, 403, 400, 403, 303),
  row('POST /planning/clusters/count',                        303, 403, 403, 403, 303, 403, 303),
  row('GET /planning/clusters/:clusterCode',                  200, 200, 403, 403, 200, own(200, 404), 303),
  row('POST /planning/clusters/:clusterCode/measures',        400, 403, 403, 403, 400, 403, 303),
  row('POST /planning/clusters/:clusterCode/entries',         400, 403, 403, 403, 400, own(400, 404), 303),
  row('POST /insight/published',                              400, 403, 403, 403, 403, 403, 303),
  // Insight dashboards and the scrutiny report (src/insight/dashboard-web.ts, scrutiny-web.ts): counts
  // only, for LA staff; no school user or panel member. Money only for the roles that see funding runs.
  row('GET /insight',                                         200, 200, 200, 403, 200, 403, 303),
  row('GET /insight/caseload',                                200, 200, 200, 403, 200, 403, 303),
  row('GET /insight/timeliness',                              200, 200, 200, 403, 200, 403, 303),
  row('GET /insight/casework',                                200, 200, 200, 403, 200, 403, 303),
  row('GET /insight/money',                                   200, 200, 403, 403, 200, 403, 303),
  row('GET /insight/scrutiny',                                200, 200, 200, 403, 200, 403, 303),
  // Retention and subject access (src/people/retention-web.ts): rules, disposal and legal holds for the
  // LA admin alone; subject-access exports for the LA admin and the SEND manager. Empty forms: the
  // validation answer; a disposal posted without its button's value is a dry run, so harmless.
  row('GET /admin/retention',                                 200, 403, 403, 403, 403, 403, 303),
  row('GET /admin/retention/rules/:recordClass',              200, 403, 403, 403, 403, 403, 303),
  row('POST /admin/retention/rules/:recordClass',             400, 403, 403, 403, 403, 403, 303),
  row('GET /admin/retention/due',                             200, 403, 403, 403, 403, 403, 303),
  row('POST /admin/retention/run',                            200, 403, 403, 403, 403, 403, 303),
  row('GET /admin/retention/holds',                           200, 403, 403, 403, 403, 403, 303),
  row('POST /admin/retention/holds',                          400, 403, 403, 403, 403, 403, 303),
  row('POST /admin/retention/holds/lift',                     400, 403, 403, 403, 403, 403, 303),
  row('GET /admin/subject-access',                            200, 200, 403, 403, 403, 403, 303),
  row('POST /admin/subject-access',                           400, 400, 403, 403, 403, 403, 303),
]

/** The user each role signs in as (test/support/fixture.ts). The school user works at School A. */
export const USERS: Record<Role, string> = {
  la_admin: 'admin',
  send_manager: 'manager',
  case_officer: 'officer',
  panel_member: 'panel',
  finance_officer: 'finance',
  school_user: 'senco.a',
}

/** Values for route parameters: a record at School A (own) and one at School B (other). */
export const PARAMS: Record<string, (f: Fixture) => { own: string; other: string }> = {
  childId: f => ({ own: f.children.ada, other: f.children.eve }),
  settingId: f => ({ own: f.settings.schoolA, other: f.settings.schoolB }),
  // The demo reserve fund (src/planning/budget-demo.ts), loaded by the authorisation test.
  fundId: () => ({ own: DEMO_RESERVE_FUND_ID, other: DEMO_RESERVE_FUND_ID }),
  // The demo's clusters are the fixture's localities: Northtown (School A hosts) and Southbury (School B).
  clusterCode: () => ({ own: 'N', other: 'S' }),
  recordClass: () => ({ own: 'casework', other: 'casework' }),
  // A block of the demo's DSG table (seed 004, 2021-22).
  year: () => ({ own: '2021', other: '2021' }),
  block: () => ({ own: 'high_needs', other: 'high_needs' }),
  line: () => ({ own: 'special', other: 'special' }),
  // The programme demo's first priority area, action and plan item (src/programme/demo.ts).
  areaId: f => ({ own: f.programme!.area, other: f.programme!.area }),
  actionId: f => ({ own: f.programme!.action, other: f.programme!.action }),
  itemId: f => ({ own: f.programme!.item, other: f.programme!.item }),
  kind: () => ({ own: 'children', other: 'children' }),
  versionId: f => ({ own: f.versions.draft, other: f.versions.draft }),
  awardId: f => ({ own: f.awards.ada, other: f.awards.eve }),
  specialId: f => ({ own: f.settings.special, other: f.settings.special }),
  // The moderation fixture: Ben's pending case at A on the upcoming session; issued decisions at A and B.
  panelId: f => ({ own: f.moderation!.panel, other: f.moderation!.panel }),
  memberId: f => ({ own: f.moderation!.members.head, other: f.moderation!.members.head }),
  sessionId: f => ({ own: f.moderation!.sessions.upcoming, other: f.moderation!.sessions.upcoming }),
  caseId: f => ({ own: f.moderation!.cases.ben, other: f.moderation!.cases.ben }),
  decisionId: f => ({ own: f.moderation!.decisions.ada, other: f.moderation!.decisions.eve }),
  legacyId: f => ({ own: f.moderation!.legacy.eve, other: f.moderation!.legacy.eve }),
  // The casework fixture: Cara's request taken to a final plan, and Ada's awaiting the decision to assess.
  requestId: f => ({ own: f.casework!.requests.cara, other: f.casework!.requests.ada }),
  adviceId: f => ({ own: f.casework!.advice.cara, other: f.casework!.advice.cara }),
  consultationId: f => ({ own: f.casework!.consultations.cara, other: f.casework!.consultations.cara }),
  letterKind: () => ({ own: 'final-plan', other: 'final-plan' }),
  // The review fixture (test/support/review-fixture.ts): Cara's plan, decided 'amend' at review with the
  // amendment under way, and Dev's open review.
  planId: f => ({ own: f.reviews!.plans.cara, other: f.reviews!.plans.cara }),
  reviewId: f => ({ own: f.reviews!.reviews.devOpen, other: f.reviews!.reviews.devOpen }),
  amendmentId: f => ({ own: f.reviews!.amendments.cara, other: f.reviews!.amendments.cara }),
  planLetter: () => ({ own: 'review-decision', other: 'review-decision' }),
  // The dispute fixture (test/support/dispute-fixture.ts): Cara's mediation, Dev's appeal, Ada's complaint.
  mediationId: f => ({ own: f.disputes!.mediations.cara, other: f.disputes!.mediations.cara }),
  appealId: f => ({ own: f.disputes!.appeals.dev, other: f.disputes!.appeals.dev }),
  complaintId: f => ({ own: f.disputes!.complaints.ada, other: f.disputes!.complaints.ada }),
  // An SEN2 module's CSV (src/insight/sen2-web.ts).
  sen2Module: () => ({ own: '5b', other: '1' }),
}

/** Parameters naming a record that belongs to a school: rows with one are tried with both records. */
export const SCHOOL_SCOPED = new Set(['childId', 'settingId', 'awardId', 'decisionId', 'clusterCode'])
