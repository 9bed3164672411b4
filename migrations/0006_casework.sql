-- Statutory EHC casework (docs: shared/domain/statutory.md, docs/statutory-clocks.md): requests for
-- an EHC needs assessment and what follows on the 20-week clock, the plans that result, annual reviews
-- and amendments. Deadlines are not stored: they are computed from these dates by the pure rules in
-- src/casework/rules, so a corrected date or a new bank holiday can never leave a stale deadline behind.

-- Dates an admin adds to the shipped England and Wales bank holidays (e.g. a new one-off holiday).
create table non_working_day (
  day date primary key,
  name text not null check (length(name) between 1 and 100),
  added_by uuid references app_user (id),
  added_at timestamptz not null default now()
);

-- How many cases an officer can hold (seed 004: capacity planning for case officers).
create table officer_capacity (
  la_code text not null,
  user_id uuid not null references app_user (id),
  capacity integer not null check (capacity between 0 and 1000),
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  primary key (la_code, user_id)
);

-- A request for an EHC needs assessment, and the assessment that follows it, to the final plan.
create table ehc_request (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  child_id uuid not null,
  officer_id uuid references app_user (id),
  source text not null check (source in ('parent', 'young_person', 'school', 'early_years', 'health', 'social_care', 'other')),
  received_via text not null check (received_via in ('hand', 'email', 'online', 'first_class_post', 'second_class_post')),
  -- When it arrived (or was posted), as the officer recorded it, and the legal received date from it.
  arrived_on date not null,
  arrived_time text check (arrived_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  received_on date not null,
  -- R1: whether to assess.
  decision text check (decision in ('assess', 'not_assess')),
  decision_on date,
  -- After the assessment: the decision to issue a plan or not, and its date (for no plan, R3: the date
  -- the family was told).
  outcome text check (outcome in ('issue_plan', 'no_plan')),
  outcome_on date,
  -- R4: the draft plan, the family's comments and the setting they prefer.
  draft_sent_on date,
  comments_received_on date,
  preferred_setting_id uuid references setting (id),
  -- R5: the final plan.
  final_issued_on date,
  plan_id uuid,
  -- Withdrawn or ceased before a decision (SEN2 'W').
  withdrawn_on date,
  withdrawn_reason text check (withdrawn_reason is null or length(withdrawn_reason) between 1 and 2000),
  version integer not null default 1,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, child_id) references child (la_code, id),
  check (received_on >= arrived_on),
  check ((decision is null) = (decision_on is null)),
  check (decision_on is null or decision_on >= received_on),
  check (outcome is null or decision = 'assess'),
  check ((outcome is null) = (outcome_on is null)),
  check (outcome_on is null or outcome_on >= decision_on),
  check (draft_sent_on is null or (outcome = 'issue_plan' and draft_sent_on >= decision_on)),
  check (comments_received_on is null or comments_received_on >= draft_sent_on),
  check (final_issued_on is null or (draft_sent_on is not null and final_issued_on >= draft_sent_on)),
  check ((final_issued_on is null) = (plan_id is null)),
  check ((withdrawn_on is null) = (withdrawn_reason is null)),
  check (withdrawn_on is null or withdrawn_on >= received_on)
);
create index ehc_request_child on ehc_request (la_code, child_id);
create index ehc_request_officer on ehc_request (la_code, officer_id) where final_issued_on is null and withdrawn_on is null;
create index ehc_request_received on ehc_request (la_code, received_on);

-- R2: advice asked of a professional, due 6 weeks after it was asked for.
create table advice_request (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  request_id uuid not null,
  advisor text not null check (advisor in ('educational_psychologist', 'health', 'social_care', 'setting', 'parent', 'other')),
  advisor_name text check (advisor_name is null or length(advisor_name) between 1 and 200),
  requested_on date not null,
  received_on date,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, request_id) references ehc_request (la_code, id),
  check (received_on is null or received_on >= requested_on)
);
create index advice_request_request on advice_request (la_code, request_id);

-- Reg 5(4), 10(4), 13(3): why a clock may run past its deadline. Shown beside the deadline; never moves it.
create table casework_exception (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  request_id uuid not null,
  kind text not null check (kind in ('school_closure', 'personal_circumstances', 'absent_from_area', 'early_years_closure')),
  from_date date not null,
  to_date date not null,
  reason text not null check (length(reason) between 1 and 2000),
  applied_by uuid not null references app_user (id),
  applied_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, request_id) references ehc_request (la_code, id),
  check (to_date >= from_date)
);
create index casework_exception_request on casework_exception (la_code, request_id);

-- An EHC plan: the record the casework produces (or a plan that predates the system).
create table ehc_plan (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  child_id uuid not null,
  request_id uuid,
  issued_on date not null,
  -- Section I: the setting named, or a type of setting when none is named (SEN2 SENsetting).
  named_setting_id uuid references setting (id),
  named_setting_type text check (named_setting_type is null or length(named_setting_type) between 1 and 200),
  provision_summary text not null default '' check (length(provision_summary) <= 10000),
  -- R12: the decision to cease, and the date the plan ended (after any appeal time), with the SEN2 reason 1–9.
  cease_decided_on date,
  ceased_on date,
  cease_reason integer check (cease_reason between 1 and 9),
  version integer not null default 1,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, child_id) references child (la_code, id),
  foreign key (la_code, request_id) references ehc_request (la_code, id),
  check (named_setting_id is not null or named_setting_type is not null),
  check ((ceased_on is null) = (cease_reason is null)),
  check (ceased_on is null or ceased_on >= issued_on),
  check (cease_decided_on is null or cease_decided_on >= issued_on)
);
-- One plan in force per child.
create unique index ehc_plan_active on ehc_plan (la_code, child_id) where ceased_on is null;
create index ehc_plan_issued on ehc_plan (la_code, issued_on);
alter table ehc_request add constraint ehc_request_plan foreign key (la_code, plan_id) references ehc_plan (la_code, id);

-- The plan's needs, ranked (SEN2 codes): rank 1 is the primary need.
create table ehc_plan_need (
  la_code text not null,
  plan_id uuid not null,
  rank integer not null check (rank between 1 and 10),
  need_code text not null check (need_code ~ '^[A-Z]{2,5}$'),
  primary key (la_code, plan_id, rank),
  foreign key (la_code, plan_id) references ehc_plan (la_code, id) on delete cascade
);

-- R6–R11: an annual (or phase-transfer) review of a plan.
create table annual_review (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  plan_id uuid not null,
  kind text not null default 'annual' check (kind in ('annual', 'phase_transfer')),
  -- R6 (or R11 for a phase transfer): when the review must be completed by, fixed when it is opened.
  due_on date not null,
  meeting_on date,
  invitations_sent_on date,
  report_received_on date,
  -- R9: the LA's decision and the date it wrote to the family (SEN2 LastReview).
  decision text check (decision in ('keep', 'amend', 'cease')),
  decision_on date,
  version integer not null default 1,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, plan_id) references ehc_plan (la_code, id),
  check ((decision is null) = (decision_on is null)),
  check (invitations_sent_on is null or meeting_on is null or invitations_sent_on <= meeting_on),
  check (report_received_on is null or report_received_on >= meeting_on),
  check (decision_on is null or decision_on >= meeting_on)
);
create index annual_review_plan on annual_review (la_code, plan_id, due_on);
create index annual_review_open on annual_review (la_code, due_on) where decision is null;

-- R10: an amendment to a plan (after a review, or otherwise), with what it changes: the amendment history.
create table plan_amendment (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  plan_id uuid not null,
  review_id uuid,
  proposals_sent_on date not null,
  comments_received_on date,
  final_issued_on date,
  summary text not null check (length(summary) between 1 and 5000),
  -- Before and after of what changed (named setting, provision summary, needs), written when issued.
  changes jsonb,
  version integer not null default 1,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, plan_id) references ehc_plan (la_code, id),
  foreign key (la_code, review_id) references annual_review (la_code, id),
  check (comments_received_on is null or comments_received_on >= proposals_sent_on),
  check (final_issued_on is null or final_issued_on >= proposals_sent_on)
);
create index plan_amendment_plan on plan_amendment (la_code, plan_id);

-- Consultations with settings about naming them in a plan (a new plan or an amendment).
create table placement_consultation (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  request_id uuid,
  amendment_id uuid,
  setting_id uuid not null references setting (id),
  sent_on date not null,
  response text check (response in ('can_meet', 'cannot_meet')),
  responded_on date,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, request_id) references ehc_request (la_code, id),
  foreign key (la_code, amendment_id) references plan_amendment (la_code, id),
  check ((request_id is null) <> (amendment_id is null)),
  check ((response is null) = (responded_on is null)),
  check (responded_on is null or responded_on >= sent_on)
);
