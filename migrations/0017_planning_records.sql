-- Planning (issue 7, continued): cluster measures counted from the authority's own records, and a
-- budget for each High Needs line to set the committed top-up against.

-- A cluster's EHC plans and SEN support are counted from current placements at its member schools
-- (counted_on says when); pupils on roll and deprivation come from the school census and are entered.
alter table school_cluster add column counted_on date;
alter table school_cluster add column version integer not null default 1;

create table hn_line_budget (
  la_code text not null,
  financial_year integer not null,          -- by its starting April: 2026 is 2026-27
  line text not null check (line in
    ('mainstream', 'special', 'independent', 'resource_base', 'alternative_provision', 'post_16')),
  budget_pence bigint not null check (budget_pence >= 0),
  version integer not null default 1,
  updated_at timestamptz not null default now(),
  primary key (la_code, financial_year, line)
);
