-- LA staff's web requests run as opensend_staff, a role with BYPASSRLS: they reach every row anyway
-- (their policy clause is `opensend_la_wide()`), but beneath a policy PostgreSQL will not push a
-- non-leakproof condition (extract(), lower(), date arithmetic) down to the rows, so on a server holding
-- many authorities an LA-wide dashboard read every authority's rows (docs/performance.md). School users
-- stay on opensend_app and its policies. Like opensend_app the role owns nothing and is not a superuser.
-- Only a superuser may create a BYPASSRLS role on PostgreSQL 15: a login that may not leaves it out,
-- and src/platform/db/scope.ts then runs LA requests as opensend_app, under the policies, as before.
do $$
begin
  if not exists (select from pg_roles where rolname = 'opensend_staff')
    and (select rolsuper from pg_roles where rolname = current_user) then
    create role opensend_staff nologin bypassrls;
  end if;
exception when duplicate_object or unique_violation then
  null;
end
$$;

do $$
begin
  if exists (select from pg_roles where rolname = 'opensend_staff') then
    if not pg_has_role(current_user, 'opensend_staff', 'member') then
      execute 'grant opensend_staff to current_user';
    end if;
    execute 'grant usage on schema public to opensend_staff';
    execute 'grant select, insert, update, delete on all tables in schema public to opensend_staff';
    execute 'grant usage, select on all sequences in schema public to opensend_staff';
    execute 'alter default privileges in schema public grant select, insert, update, delete on tables to opensend_staff';
    execute 'alter default privileges in schema public grant usage, select on sequences to opensend_staff';
  end if;
end
$$;
