-- Row-level security for the retention tables (0015): legal holds and the disposal log are LA
-- business only (the LA admin keeps them), so a school user's connection reaches none of their rows.
alter table legal_hold enable row level security, force row level security;
create policy school_scope on legal_hold using ((select opensend_la_wide()));

alter table retention_disposal enable row level security, force row level security;
create policy school_scope on retention_disposal using ((select opensend_la_wide()));
