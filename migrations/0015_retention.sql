-- Retention and disposal of children's records (docs/decisions/0015-retention-and-disposal.md).

-- How long each class of record is kept: data, not code, so an authority can follow its own policy.
-- Which tables make up each class, and whether it is deleted or anonymised, is fixed by the code
-- (src/people/rules/retention.ts), because it follows from the schema.
create table retention_rule (
  la_code text not null,
  record_class text not null check (record_class in ('casework', 'funding', 'child')),
  -- Kept until this many years after the child's date of birth.
  years_from_birth integer not null check (years_from_birth between 1 and 100),
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  updated_by uuid references app_user (id),
  primary key (la_code, record_class)
);

-- The defaults each authority starts from (its rows are copied from these on first use). Usual UK
-- guidance for SEN files: date of birth + 25 years. Money is kept but made anonymous, because the
-- authority's accounts must still add up after the child's records have gone.
create table retention_rule_default (
  record_class text primary key check (record_class in ('casework', 'funding', 'child')),
  years_from_birth integer not null check (years_from_birth between 1 and 100)
);
insert into retention_rule_default (record_class, years_from_birth) values ('casework', 25), ('funding', 25), ('child', 25);

-- A legal hold (litigation, an inquiry, a subject-access request in progress) stops all disposal for
-- the child until it is lifted. Lifted holds go with the casework at disposal; the audit log keeps that they existed.
create table legal_hold (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  child_id uuid not null,
  reason text not null check (length(reason) between 1 and 500),
  placed_by uuid references app_user (id),
  placed_at timestamptz not null,
  lifted_by uuid references app_user (id),
  lifted_at timestamptz,
  lift_reason text check (lift_reason is null or length(lift_reason) between 1 and 500),
  version integer not null default 1,
  primary key (la_code, id),
  foreign key (la_code, child_id) references child (la_code, id),
  check ((lifted_at is null) = (lifted_by is null) and (lifted_at is null) = (lift_reason is null))
);
create unique index legal_hold_active on legal_hold (la_code, child_id) where lifted_at is null;

-- Which classes have been disposed of for which child, so the job never disposes twice. Holds only
-- the id of the (by then anonymous) child record.
create table retention_disposal (
  la_code text not null,
  child_id uuid not null,
  record_class text not null,
  action text not null,
  disposed_at timestamptz not null,
  primary key (la_code, child_id, record_class),
  foreign key (la_code, child_id) references child (la_code, id)
);
