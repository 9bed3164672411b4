-- Row-level security: a second wall under the services (docs/security.md, docs/decisions/0014).
-- The application's queries run as opensend_app, a role that owns nothing and is not a superuser,
-- and on every connection it takes from the pool the application says whose request it is serving
-- (src/platform/db/scope.ts): opensend.scope = 'la' for LA staff and the system (imports, jobs, the
-- demo loader), or 'school' with opensend.setting_id for a school user. The policies below let a
-- school user's queries reach only their own setting's rows and the records of children placed there,
-- whatever the service forgot to filter. A connection that has not said (scope unset) reaches nothing.
-- On the embedded database (PGlite) everything runs as its superuser, so the wall is built but not
-- enforced there.

-- Roles belong to the whole server, and several databases on it may migrate at the same moment.
do $$
begin
  if not exists (select from pg_roles where rolname = 'opensend_app') then
    create role opensend_app nologin;
  end if;
exception when duplicate_object or unique_violation then
  null;
end
$$;

-- The login role the application connects as must be allowed to SET ROLE to it (a superuser always is).
do $$
begin
  if not pg_has_role(current_user, 'opensend_app', 'member') then
    grant opensend_app to current_user;
  end if;
end
$$;

grant usage on schema public to opensend_app;
grant select, insert, update, delete on all tables in schema public to opensend_app;
grant usage, select on all sequences in schema public to opensend_app;
-- Tables and sequences later migrations create (as this same owner) get the same grants.
alter default privileges in schema public grant select, insert, update, delete on tables to opensend_app;
alter default privileges in schema public grant usage, select on sequences to opensend_app;

-- The request's reach. Written `(select opensend_la_wide())`, each is read once per query (an initplan),
-- and the `in (select …)` lists below are built once per query too (a hashed subplan), never per row.
create function opensend_la_wide() returns boolean language sql stable as $$
  select coalesce(current_setting('opensend.scope', true), '') = 'la'
$$;

create function opensend_school() returns uuid language sql stable as $$
  select case when current_setting('opensend.scope', true) = 'school'
    then nullif(current_setting('opensend.setting_id', true), '')::uuid end
$$;

-- Rows that belong to one setting.
alter table placement enable row level security, force row level security;
create policy school_scope on placement
  using ((select opensend_la_wide()) or setting_id = (select opensend_school()));

alter table award enable row level security, force row level security;
create policy school_scope on award
  using ((select opensend_la_wide()) or setting_id = (select opensend_school()));

alter table special_school_band enable row level security, force row level security;
create policy school_scope on special_school_band
  using ((select opensend_la_wide()) or setting_id = (select opensend_school()));

alter table legacy_funding enable row level security, force row level security;
create policy school_scope on legacy_funding
  using ((select opensend_la_wide()) or setting_id = (select opensend_school()));

alter table placement_consultation enable row level security, force row level security;
create policy school_scope on placement_consultation
  using ((select opensend_la_wide()) or setting_id = (select opensend_school()));

-- The list of a school's children each policy below reads; without it every school user's query
-- would scan all of the authority's placements.
create index placement_setting on placement (setting_id, la_code, child_id);

-- A child's own records: a school's to see while the child has a placement there, past or present
-- (the services narrow this to the current placement on the clock's date, which the database does
-- not know). The placement rows read here pass through placement's own policy too.
alter table child enable row level security, force row level security;
create policy school_scope on child
  using ((select opensend_la_wide()) or (la_code, id) in (select p.la_code, p.child_id from placement p
    where p.setting_id = (select opensend_school())));

alter table child_need enable row level security, force row level security;
create policy school_scope on child_need
  using ((select opensend_la_wide()) or (la_code, child_id) in (select p.la_code, p.child_id from placement p
    where p.setting_id = (select opensend_school())));

alter table ehc_request enable row level security, force row level security;
create policy school_scope on ehc_request
  using ((select opensend_la_wide()) or (la_code, child_id) in (select p.la_code, p.child_id from placement p
    where p.setting_id = (select opensend_school())));

alter table ehc_plan enable row level security, force row level security;
create policy school_scope on ehc_plan
  using ((select opensend_la_wide()) or (la_code, child_id) in (select p.la_code, p.child_id from placement p
    where p.setting_id = (select opensend_school())));

alter table mediation_case enable row level security, force row level security;
create policy school_scope on mediation_case
  using ((select opensend_la_wide()) or (la_code, child_id) in (select p.la_code, p.child_id from placement p
    where p.setting_id = (select opensend_school())));

alter table tribunal_appeal enable row level security, force row level security;
create policy school_scope on tribunal_appeal
  using ((select opensend_la_wide()) or (la_code, child_id) in (select p.la_code, p.child_id from placement p
    where p.setting_id = (select opensend_school())));

-- A complaint about no particular child (child_id null) is the LA's alone.
alter table complaint enable row level security, force row level security;
create policy school_scope on complaint
  using ((select opensend_la_wide()) or (la_code, child_id) in (select p.la_code, p.child_id from placement p
    where p.setting_id = (select opensend_school())));

-- Parts of a record: visible when the record they belong to is (that table's own policy decides).
alter table panel_case enable row level security, force row level security;
create policy school_scope on panel_case
  using ((select opensend_la_wide()) or (la_code, award_id) in (select a.la_code, a.id from award a));

alter table panel_decision enable row level security, force row level security;
create policy school_scope on panel_decision
  using ((select opensend_la_wide()) or (la_code, award_id) in (select a.la_code, a.id from award a));

alter table advice_request enable row level security, force row level security;
create policy school_scope on advice_request
  using ((select opensend_la_wide()) or (la_code, request_id) in (select r.la_code, r.id from ehc_request r));

alter table casework_exception enable row level security, force row level security;
create policy school_scope on casework_exception
  using ((select opensend_la_wide()) or (la_code, request_id) in (select r.la_code, r.id from ehc_request r));

alter table ehc_plan_need enable row level security, force row level security;
create policy school_scope on ehc_plan_need
  using ((select opensend_la_wide()) or (la_code, plan_id) in (select p.la_code, p.id from ehc_plan p));

alter table annual_review enable row level security, force row level security;
create policy school_scope on annual_review
  using ((select opensend_la_wide()) or (la_code, plan_id) in (select p.la_code, p.id from ehc_plan p));

alter table plan_amendment enable row level security, force row level security;
create policy school_scope on plan_amendment
  using ((select opensend_la_wide()) or (la_code, plan_id) in (select p.la_code, p.id from ehc_plan p));
