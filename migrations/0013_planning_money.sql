-- Planning money (issue 7): the DSG budget by block and financial year, the High Needs deficit
-- trajectory's assumptions and mitigation scenarios, and reserve plans with their costed lines.
-- Money is integer pence (bigint: a DSG runs to hundreds of millions of pounds).

create table dsg_block_budget (
  la_code text not null,
  financial_year integer not null,          -- by its starting April: 2021 is 2021-22
  block text not null check (block in ('schools', 'high_needs', 'early_years', 'central')),
  budget_pence bigint not null,
  brought_forward_pence bigint not null,    -- deficit brought forward (negative: a surplus)
  forecast_pence bigint not null,           -- cumulative forecast over (+) / under (-) spend
  source text not null,                     -- where the figures came from, shown beside them
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  primary key (la_code, financial_year, block)
);

create table hn_trajectory (
  la_code text primary key,
  first_year integer not null,
  opening_deficit_pence bigint not null,
  funding_pence bigint not null check (funding_pence >= 0),
  funding_growth_percent numeric(5, 2) not null,
  cost_per_plan_pence bigint not null check (cost_per_plan_pence > 0),
  cost_inflation_percent numeric(5, 2) not null,
  other_spend_pence bigint not null check (other_spend_pence >= 0),
  source text not null,
  version integer not null default 1,
  updated_at timestamptz not null default now()
);

create table hn_scenario (
  la_code text not null,
  key text not null,
  label text not null,
  savings_per_year_pence bigint not null check (savings_per_year_pence >= 0),
  savings_from_year integer not null,
  growth_reduction_percent numeric(5, 2) not null check (growth_reduction_percent between 0 and 100),
  version integer not null default 1,
  primary key (la_code, key)
);

create table reserve_fund (
  la_code text not null,
  id uuid primary key default gen_random_uuid(),
  name text not null,
  fund_pence bigint not null check (fund_pence >= 0),
  source text not null,
  version integer not null default 1,
  updated_at timestamptz not null default now()
);
create index reserve_fund_la on reserve_fund (la_code);

create table reserve_line (
  la_code text not null,
  id uuid primary key default gen_random_uuid(),
  fund_id uuid not null references reserve_fund (id),
  position integer not null,
  kind text not null check (kind in ('post', 'programme')),
  title text not null,
  salary_pence bigint check (salary_pence >= 0),
  on_costs_pence bigint check (on_costs_pence >= 0),
  posts integer check (posts > 0),
  amount_pence bigint check (amount_pence >= 0),
  start_date date,
  end_date date,
  spent_pence bigint not null default 0 check (spent_pence >= 0),
  check (end_date is null or start_date is null or end_date >= start_date)
);
create index reserve_line_fund on reserve_line (fund_id, position);

-- Cluster budgets (seed 002, the Norfolk model): a pot delegated to clusters of schools by a formula of
-- weighted factors. Weights are basis points of the pot (10,000 = 100%); measures are per cluster.
create table cluster_formula (
  la_code text not null,
  financial_year integer not null,
  pot_pence bigint not null check (pot_pence >= 0),
  weight_pupils integer not null check (weight_pupils between 0 and 10000),
  weight_ehcps integer not null check (weight_ehcps between 0 and 10000),
  weight_sen_support integer not null check (weight_sen_support between 0 and 10000),
  weight_deprivation integer not null check (weight_deprivation between 0 and 10000),
  source text not null,
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  primary key (la_code, financial_year)
);

create table school_cluster (
  la_code text not null,
  code text not null check (code ~ '^[A-Za-z0-9-]{1,20}$'),
  name text not null,
  host_setting_id uuid not null references setting (id),
  pupils integer not null check (pupils >= 0),
  ehcps integer not null check (ehcps >= 0),
  sen_support integer not null check (sen_support >= 0),
  deprivation integer not null check (deprivation >= 0),
  primary key (la_code, code)
);

create table cluster_member (
  la_code text not null,
  cluster_code text not null,
  setting_id uuid not null references setting (id),
  primary key (la_code, setting_id),
  foreign key (la_code, cluster_code) references school_cluster (la_code, code)
);

-- What a cluster decides to allocate from its share, and what it spends; append-only.
create table cluster_entry (
  la_code text not null,
  id uuid primary key default gen_random_uuid(),
  cluster_code text not null,
  financial_year integer not null,
  kind text not null check (kind in ('allocation', 'spend')),
  description text not null,
  amount_pence bigint not null check (amount_pence > 0),
  entry_date date not null,
  recorded_by uuid,
  recorded_at timestamptz not null default now(),
  foreign key (la_code, cluster_code) references school_cluster (la_code, code)
);
create index cluster_entry_cluster on cluster_entry (la_code, cluster_code, financial_year);
