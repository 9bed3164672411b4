-- Disagreements (statutory.md R13–R16): mediation cases and appeals to the SEND Tribunal, with the
-- compliance that follows an order or a concession; and complaints and compliments (seed 004's
-- measures). As in 0006, the statutory deadlines are computed from these dates, never stored; a
-- complaint's response due date is stored because it is the LA's own standard (or the Ombudsman's date).

-- R13: a family's contact with a mediation adviser about an appealable decision, and what followed.
create table mediation_case (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  child_id uuid not null,
  plan_id uuid,
  request_id uuid,
  decision_kind text not null
    check (decision_kind in ('not_to_assess', 'not_to_issue', 'plan_content', 'amended_plan', 'cease', 'other')),
  decision_on date not null,
  adviser_contacted_on date not null,
  -- What the family told the adviser: go to mediation, or only a certificate so they can appeal.
  family_choice text check (family_choice in ('mediation', 'certificate_only')),
  certificate_issued_on date,
  mediation_held_on date,
  outcome text check (outcome in ('agreed', 'partly_agreed', 'not_agreed', 'withdrawn')),
  version integer not null default 1,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, child_id) references child (la_code, id),
  foreign key (la_code, plan_id) references ehc_plan (la_code, id),
  foreign key (la_code, request_id) references ehc_request (la_code, id),
  check (adviser_contacted_on >= decision_on),
  check (certificate_issued_on is null or (family_choice is not null and certificate_issued_on >= adviser_contacted_on)),
  check (mediation_held_on is null or (family_choice = 'mediation' and mediation_held_on >= adviser_contacted_on)),
  check (certificate_issued_on is null or mediation_held_on is null or certificate_issued_on >= mediation_held_on),
  -- Agreement (or not) is only reached at a mediation; a family may withdraw at any point.
  check (outcome is null or outcome = 'withdrawn' or mediation_held_on is not null)
);
create index mediation_case_child on mediation_case (la_code, child_id);
create index mediation_case_open on mediation_case (la_code, decision_on)
  where certificate_issued_on is null and outcome is distinct from 'withdrawn';

-- R14–R16: an appeal registered with the SEND Tribunal, its outcome and the LA's compliance.
create table tribunal_appeal (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  child_id uuid not null,
  plan_id uuid,
  request_id uuid,
  mediation_id uuid,
  -- The decision appealed against: R14's 2 months run from it (or 1 month from the certificate).
  decision_kind text not null
    check (decision_kind in ('not_to_assess', 'not_to_issue', 'plan_content', 'amended_plan', 'cease', 'other')),
  decision_on date not null,
  registered_on date not null,
  -- The SEN2 / issue reason categories; section_i is the named placement, the reason in most appeals.
  appeal_reasons jsonb not null check (jsonb_typeof(appeal_reasons) = 'array' and jsonb_array_length(appeal_reasons) >= 1),
  hearing_on date,
  outcome text check (outcome in ('upheld', 'partly_upheld', 'dismissed', 'withdrawn', 'conceded')),
  outcome_on date,
  -- What the order (or the concession) requires, which sets the R15/R16 deadlines.
  order_kind text check (order_kind in ('assess', 'make_plan', 'amend', 'section_i')),
  conceded_on date,
  compliance_done_on date,
  version integer not null default 1,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, child_id) references child (la_code, id),
  foreign key (la_code, plan_id) references ehc_plan (la_code, id),
  foreign key (la_code, request_id) references ehc_request (la_code, id),
  foreign key (la_code, mediation_id) references mediation_case (la_code, id),
  check (registered_on >= decision_on),
  check (hearing_on is null or hearing_on >= registered_on),
  check ((outcome is null) = (outcome_on is null)),
  check (outcome_on is null or outcome_on >= registered_on),
  check (conceded_on is null or (outcome = 'conceded' and conceded_on = outcome_on)),
  check (outcome is distinct from 'conceded' or conceded_on is not null),
  check (order_kind is null or outcome in ('upheld', 'partly_upheld', 'conceded')),
  check (compliance_done_on is null or (order_kind is not null and compliance_done_on >= outcome_on))
);
create index tribunal_appeal_child on tribunal_appeal (la_code, child_id);
create index tribunal_appeal_registered on tribunal_appeal (la_code, registered_on);

-- A complaint at one stage of the LA's procedure (3 = the Local Government and Social Care Ombudsman).
-- Escalating makes a new row at the next stage, so each stage is counted in the year it was received.
create table complaint (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  child_id uuid,
  escalated_from uuid,
  received_on date not null,
  stage integer not null check (stage between 1 and 3),
  subject text not null check (length(subject) between 1 and 2000),
  response_due_on date not null,
  responded_on date,
  outcome text check (outcome in ('upheld', 'partly_upheld', 'not_upheld', 'withdrawn')),
  version integer not null default 1,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, child_id) references child (la_code, id),
  foreign key (la_code, escalated_from) references complaint (la_code, id),
  unique (la_code, escalated_from),
  check (response_due_on >= received_on),
  check ((responded_on is null) = (outcome is null)),
  check (responded_on is null or responded_on >= received_on)
);
create index complaint_received on complaint (la_code, received_on);

create table compliment (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  received_on date not null,
  about text not null check (length(about) between 1 and 2000),
  team text check (team is null or length(team) between 1 and 200),
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id)
);
create index compliment_received on compliment (la_code, received_on);
