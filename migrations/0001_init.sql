-- People, places, sign-in and audit: the foundation every other area stands on.
-- Person-level tables carry la_code in their primary key so that a large deployment can
-- partition or distribute them by local authority.

create table locality (
  la_code text not null,
  code text not null,
  name text not null,
  primary key (la_code, code)
);

create table setting (
  id uuid primary key default gen_random_uuid(),
  la_code text not null,
  urn text not null check (urn ~ '^[0-9]{6,7}$'),
  name text not null check (length(name) between 1 and 200),
  setting_type text not null check (setting_type in
    ('early_years', 'mainstream', 'special', 'alternative_provision', 'post_16', 'independent')),
  phase text not null check (phase in ('early_years', 'primary', 'secondary', 'all_through', 'post_16')),
  governance text not null check (governance in
    ('la_maintained', 'academy', 'non_maintained', 'independent', 'further_education', 'private_voluntary')),
  locality_code text,
  out_of_area boolean not null default false,
  resource_base_places integer check (resource_base_places is null or resource_base_places > 0),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (la_code, urn),
  foreign key (la_code, locality_code) references locality (la_code, code)
);

create table child (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  local_id text not null check (length(local_id) between 1 and 20),
  upn text check (upn ~ '^[A-Z][0-9]{11}[0-9A-Z]$'),
  first_name text not null check (length(first_name) between 1 and 100),
  last_name text not null check (length(last_name) between 1 and 100),
  date_of_birth date not null,
  sex text not null default 'U' check (sex in ('M', 'F', 'U')),
  sen_status text not null check (sen_status in ('ehcp', 'sen_support', 'none')),
  ehcp_start_date date,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (la_code, id),
  unique (la_code, local_id),
  check ((sen_status = 'ehcp') = (ehcp_start_date is not null))
);
create unique index child_upn on child (la_code, upn) where upn is not null;
create index child_last_name on child (la_code, lower(last_name) text_pattern_ops);
create index child_first_name on child (la_code, lower(first_name) text_pattern_ops);

-- Ranked needs, SEN2 codes: rank 1 is the primary need.
create table child_need (
  la_code text not null,
  child_id uuid not null,
  rank smallint not null check (rank in (1, 2)),
  need_code text not null check (need_code in
    ('SPLD', 'MLD', 'SLD', 'PMLD', 'SEMH', 'SLCN', 'HI', 'VI', 'MSI', 'PD', 'ASD', 'DS', 'OTH', 'NSA')),
  primary key (la_code, child_id, rank),
  foreign key (la_code, child_id) references child (la_code, id) on delete cascade
);
create index child_need_code on child_need (la_code, need_code) where rank = 1;

create table placement (
  la_code text not null,
  id uuid not null default gen_random_uuid(),
  child_id uuid not null,
  setting_id uuid not null references setting (id),
  start_date date not null,
  end_date date,
  rank smallint not null default 1 check (rank in (1, 2)),
  resourced_provision boolean not null default false,
  primary key (la_code, id),
  foreign key (la_code, child_id) references child (la_code, id) on delete cascade,
  check (end_date is null or end_date >= start_date)
);
create index placement_child on placement (la_code, child_id);
create index placement_current on placement (la_code, setting_id) where end_date is null;

create table app_user (
  id uuid primary key default gen_random_uuid(),
  username text not null unique check (length(username) between 1 and 200),
  display_name text not null,
  email text,
  role text not null check (role in
    ('la_admin', 'send_manager', 'case_officer', 'panel_member', 'finance_officer', 'school_user')),
  setting_id uuid references setting (id),
  password_hash text,
  active boolean not null default true,
  created_at timestamptz not null default now(),
  check ((role = 'school_user') = (setting_id is not null))
);
create unique index app_user_email on app_user (lower(email)) where email is not null;

-- Only a hash of the session id is stored, so a leaked table cannot be replayed as cookies.
create table user_session (
  id_hash text primary key,
  user_id uuid references app_user (id) on delete cascade,
  csrf_token text not null,
  data jsonb not null default '{}',
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
create index user_session_last_seen on user_session (last_seen_at);

create table audit_event (
  id bigint generated always as identity primary key,
  la_code text not null,
  at timestamptz not null default now(),
  user_id uuid,
  username text,
  role text,
  action text not null,
  record_type text,
  record_id text,
  outcome text not null default 'allowed' check (outcome in ('allowed', 'denied', 'failed')),
  ip text,
  details jsonb not null default '{}'
);
create index audit_event_at on audit_event (la_code, at desc);
create index audit_event_record on audit_event (la_code, record_type, record_id);

-- Append-only, whoever the caller: even the table owner cannot change history.
create function audit_event_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only';
end
$$;
create trigger audit_event_no_update before update or delete on audit_event
  for each row execute function audit_event_is_append_only();
create trigger audit_event_no_truncate before truncate on audit_event
  for each statement execute function audit_event_is_append_only();

create table app_meta (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);
