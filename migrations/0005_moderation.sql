-- The moderation panel (docs: shared/domain/funding.md, "Moderation"): panels and their members,
-- sessions with the members present, the agenda of submitted matrices, and the panel's decisions.
-- Also what the move of legacy exceptional-funding cases onto the matrix needs.

create table panel (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  -- Members present and free of a conflict needed before a decision on a case counts.
  quorum integer not null check (quorum between 1 and 50),
  version integer not null default 1,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id)
);

create table panel_member (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  panel_id uuid not null,
  user_id uuid not null references app_user (id),
  -- Their seat on the panel, e.g. 'Primary head teacher', 'Principal Educational Psychologist'.
  panel_role text not null check (length(panel_role) between 1 and 100),
  -- The school they belong to, if any: they never decide a case from it.
  setting_id uuid references setting (id),
  active boolean not null default true,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, panel_id) references panel (la_code, id),
  unique (la_code, panel_id, user_id)
);

create table panel_session (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  panel_id uuid not null,
  session_date date not null,
  location text check (location is null or length(location) <= 200),
  -- Bumped when the attendance changes, so two people recording it at once cannot both win.
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, panel_id) references panel (la_code, id)
);
create index panel_session_date on panel_session (la_code, panel_id, session_date);

-- Who was present: quorum is counted from these rows.
create table panel_attendance (
  la_code text not null,
  session_id uuid not null,
  member_id uuid not null,
  primary key (la_code, session_id, member_id),
  foreign key (la_code, session_id) references panel_session (la_code, id),
  foreign key (la_code, member_id) references panel_member (la_code, id)
);

-- A submitted matrix on a session's agenda. pending → decided (recorded, may still be changed)
-- → issued (takes effect, locked); withdrawn when taken off the agenda undecided.
create table panel_case (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  session_id uuid not null,
  award_id uuid not null,
  position integer not null check (position >= 1),
  status text not null default 'pending' check (status in ('pending', 'decided', 'issued', 'withdrawn')),
  version integer not null default 1,
  added_by uuid references app_user (id),
  added_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, session_id) references panel_session (la_code, id),
  foreign key (la_code, award_id) references award (la_code, id)
);
-- A matrix is on one open agenda at a time.
create unique index panel_case_open_award on panel_case (la_code, award_id) where status in ('pending', 'decided');
create index panel_case_session on panel_case (la_code, session_id, position);

-- What the panel decided on a case. Until issued, the current decision may be changed (version);
-- once issued it never changes: a correction is a new, issued decision that supersedes it, with a reason.
create table panel_decision (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  case_id uuid not null,
  award_id uuid not null,
  outcome text not null check (outcome in ('agree', 'change_level', 'return', 'refer_level8')),
  -- The level the school's matrix scored, and the level the panel agreed (agree and change_level).
  proposed_level integer,
  decided_level integer,
  -- The annual amount at the decided level when it was decided (agree and change_level).
  annual_pence bigint check (annual_pence is null or annual_pence >= 0),
  -- Why: required for change_level, refer_level8 and a superseding decision.
  reason text check (reason is null or length(reason) between 1 and 2000),
  -- What the school must send (return).
  evidence_needed text check (evidence_needed is null or length(evidence_needed) between 1 and 2000),
  -- From when the agreed money is paid (agree and change_level).
  start_date date,
  -- Legacy exceptional funding: pay the higher of the old and new amounts until this date.
  protected_until date,
  -- The member who decided; null for a superseding decision made by the SEND manager.
  member_id uuid,
  decided_by uuid not null references app_user (id),
  decided_at timestamptz not null,
  issued_at timestamptz,
  issued_by uuid references app_user (id),
  supersedes uuid,
  superseded_at timestamptz,
  version integer not null default 1,
  primary key (la_code, id),
  foreign key (la_code, case_id) references panel_case (la_code, id),
  foreign key (la_code, award_id) references award (la_code, id),
  foreign key (la_code, member_id) references panel_member (la_code, id),
  foreign key (la_code, supersedes) references panel_decision (la_code, id),
  check ((issued_at is null) = (issued_by is null)),
  check (superseded_at is null or issued_at is not null),
  check (outcome not in ('change_level', 'refer_level8') or reason is not null),
  check (outcome <> 'return' or evidence_needed is not null),
  check (outcome not in ('agree', 'change_level') or (decided_level is not null and start_date is not null)),
  check (supersedes is null or reason is not null),
  check (protected_until is null or protected_until >= start_date)
);
-- One current (not superseded) decision per case.
create unique index panel_decision_current on panel_decision (la_code, case_id) where superseded_at is null;
create index panel_decision_award on panel_decision (la_code, award_id);

-- Referred for Level 8: the school (or officer) completes a costed package whatever the score.
alter table award add column level8_referred boolean not null default false;

-- Legacy exceptional funding moving onto the matrix: which kind of legacy amount a row is, the
-- agreed matrix award that replaced it, and until when the higher of the two is paid.
alter table legacy_funding add column kind text not null default 'phased' check (kind in ('phased', 'exceptional'));
alter table legacy_funding add column award_id uuid;
alter table legacy_funding add column protected_until date;
alter table legacy_funding add constraint legacy_funding_award foreign key (la_code, award_id) references award (la_code, id);
alter table legacy_funding add constraint legacy_funding_protection check (protected_until is null or award_id is not null);
create index legacy_funding_award on legacy_funding (la_code, award_id) where award_id is not null;
