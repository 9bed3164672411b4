-- A placement is known by its child, setting and start date: the key a CSV import upserts on,
-- so importing the same file twice cannot record the same placement twice.
create unique index placement_natural_key on placement (la_code, child_id, setting_id, start_date);
