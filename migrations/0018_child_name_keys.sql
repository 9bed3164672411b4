-- Name search under row-level security: lower() is not leakproof, so PostgreSQL will not use an index
-- on lower(last_name) beneath a policy and reads every child instead (39 ms against 2 ms for one
-- authority's 62,000 children; the whole table at England scale). Searching a stored lower-case key
-- with text_pattern_ops range operators, which are leakproof, lets the index be used again.
alter table child add column first_name_key text generated always as (lower(first_name)) stored;
alter table child add column last_name_key text generated always as (lower(last_name)) stored;
drop index child_last_name;
drop index child_first_name;
create index child_last_name on child (la_code, last_name_key text_pattern_ops);
create index child_first_name on child (la_code, first_name_key text_pattern_ops);
