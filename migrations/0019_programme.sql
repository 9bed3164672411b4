-- The improvement programme (issue 8): the Written Statement of Action's priority areas and actions
-- after the 2019 inspection (seed 004), and the Delivering Better Value workstreams, their stakeholder
-- groups and plan items with a RAG status whose every change is kept (seed 003). No child or school
-- data: the programme is the authority's own plan.

create table programme_area (
  la_code text not null,
  id uuid primary key default gen_random_uuid(),
  position integer not null check (position > 0),
  title text not null,
  weakness text not null,
  unique (la_code, position)
);

-- The live figure an action or plan item is meant to move (src/programme/rules/progress.ts MEASURES).
create table programme_measure (
  la_code text not null,
  key text not null check (key in ('twenty_weeks_incl', 'twenty_weeks_excl', 'reviews_outstanding', 'plans_ceased')),
  baseline numeric(12, 2) not null,
  baseline_on date not null,
  target numeric(12, 2) not null,
  version integer not null default 1,
  primary key (la_code, key)
);

create table programme_action (
  la_code text not null,
  id uuid primary key default gen_random_uuid(),
  area_id uuid not null references programme_area (id),
  ref text not null check (ref ~ '^[0-9A-Za-z.-]{1,12}$'),
  description text not null,
  owner text not null,
  due_date date not null,
  status text not null check (status in ('not_started', 'in_progress', 'completed')),
  evidence text not null default '',
  completed_on date,
  measure text,
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  unique (la_code, ref),
  check ((status = 'completed') = (completed_on is not null)),
  foreign key (la_code, measure) references programme_measure (la_code, key)
);
create index programme_action_area on programme_action (area_id);

create table programme_workstream (
  la_code text not null,
  id uuid primary key default gen_random_uuid(),
  number integer not null check (number > 0),
  name text not null,
  unique (la_code, number)
);

create table programme_group (
  la_code text not null,
  id uuid primary key default gen_random_uuid(),
  workstream_id uuid not null references programme_workstream (id),
  position integer not null,
  name text not null,
  frequency text not null
);
create index programme_group_workstream on programme_group (workstream_id, position);

create table programme_item (
  la_code text not null,
  id uuid primary key default gen_random_uuid(),
  workstream_id uuid not null references programme_workstream (id),
  ref text not null check (ref ~ '^[0-9A-Za-z.-]{1,12}$'),
  title text not null,
  purpose text not null default '',
  next_steps text not null default '',
  impact text not null default '',
  rag text not null check (rag in ('on_track', 'monitor', 'at_risk')),
  measure text,
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  unique (la_code, ref),
  foreign key (la_code, measure) references programme_measure (la_code, key)
);
create index programme_item_workstream on programme_item (workstream_id);

-- Every RAG change, with who, when and why: append-only, so the report can show movement.
create table programme_rag_change (
  la_code text not null,
  id uuid primary key default gen_random_uuid(),
  item_id uuid not null references programme_item (id),
  from_rag text check (from_rag in ('on_track', 'monitor', 'at_risk')),
  to_rag text not null check (to_rag in ('on_track', 'monitor', 'at_risk')),
  changed_on date not null,
  changed_by uuid,
  changed_by_name text not null,
  reason text not null,
  recorded_at timestamptz not null default now()
);
create index programme_rag_change_item on programme_rag_change (item_id, changed_on);
