-- Funding: matrix versions, the awards made under them, special schools' provision bands, and the
-- legacy amounts paid to pupils at setting types not yet on the matrix (docs: shared/domain/funding.md).
-- Keyed by la_code like the people tables, so a large deployment can distribute them by authority.

-- One needs matrix per row, held as a JSON document (src/funding/rules/matrix-version.ts): an
-- authority's scheme is configuration, and every award names the version it used. Approved
-- versions never change; the service refuses edits, and `version` catches concurrent drafts.
create table matrix_version (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  status text not null default 'draft' check (status in ('draft', 'consultation', 'approved', 'retired')),
  spec jsonb not null,
  version integer not null default 1,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  approved_at timestamptz,
  retired_at timestamptz,
  primary key (la_code, id),
  -- Only an approved version can be retired, so a retired one was approved first.
  check ((status in ('approved', 'retired')) = (approved_at is not null)),
  check ((status = 'retired') = (retired_at is not null))
);
create index matrix_version_status on matrix_version (la_code, status);

-- A pupil's top-up under one matrix version. Only agreed awards are paid. An award is a financial
-- record: deleting its child or version is refused rather than cascaded.
create table award (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  child_id uuid not null,
  setting_id uuid not null references setting (id),
  matrix_version_id uuid not null,
  funded_setting_type text not null check (funded_setting_type in
    ('early_years', 'mainstream', 'resource_base', 'special', 'alternative_provision', 'post_16', 'independent')),
  -- Per area: the descriptor chosen (or none) and its evidence; the rules recompute points from these.
  choices jsonb not null default '{}',
  total_points numeric,
  level integer check (level is null or level >= 0),
  status text not null default 'draft' check (status in ('draft', 'submitted', 'moderated', 'agreed', 'returned')),
  annual_pence bigint check (annual_pence is null or annual_pence >= 0),
  start_date date not null,
  end_date date,
  evidence jsonb not null default '{}',
  version integer not null default 1,
  created_by uuid references app_user (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  submitted_at timestamptz,
  submitted_by uuid references app_user (id),
  agreed_at timestamptz,
  agreed_by uuid references app_user (id),
  primary key (la_code, id),
  foreign key (la_code, child_id) references child (la_code, id),
  foreign key (la_code, matrix_version_id) references matrix_version (la_code, id),
  check (end_date is null or end_date >= start_date),
  -- An agreed award is paid, so it must say how much, at what level, who agreed it and when.
  check (status <> 'agreed' or (level is not null and annual_pence is not null and agreed_at is not null)),
  check ((submitted_at is null) = (submitted_by is null)),
  check ((agreed_at is null) = (agreed_by is null))
);
create index award_child on award (la_code, child_id, start_date);
create index award_setting_agreed on award (la_code, setting_id, start_date) where status = 'agreed';
create index award_status on award (la_code, status);
create index award_matrix_version on award (la_code, matrix_version_id);

-- Provision-led funding: a special school's own bands, per place, per financial year ('2025-26').
create table special_school_band (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  setting_id uuid not null references setting (id),
  code text not null check (code ~ '^[A-Za-z0-9_-]{1,20}$'),
  name text not null check (length(name) between 1 and 200),
  financial_year text not null check (financial_year ~ '^[0-9]{4}-[0-9]{2}$'),
  annual_pence_per_place bigint not null check (annual_pence_per_place >= 0),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  unique (la_code, setting_id, code, financial_year)
);

-- What a pupil is paid while their type of setting is not yet funded under an approved version
-- (phased roll-out), and the exceptional-funding amounts a transition compares new awards against.
create table legacy_funding (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  child_id uuid not null,
  setting_id uuid not null references setting (id),
  annual_pence bigint not null check (annual_pence >= 0),
  start_date date not null,
  end_date date,
  note text check (note is null or length(note) <= 2000),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  foreign key (la_code, child_id) references child (la_code, id),
  check (end_date is null or end_date >= start_date)
);
create index legacy_funding_child on legacy_funding (la_code, child_id, start_date);
create index legacy_funding_setting on legacy_funding (la_code, setting_id);
