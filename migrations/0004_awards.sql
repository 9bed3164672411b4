-- Completing, submitting and agreeing awards (docs: shared/domain/funding.md). Adds what an award
-- needs beyond its score: the special-school band it is paid by, the Level 8 costed package, and why
-- it was returned.

-- Provision-led funding: a special-school pupil is paid by their school's band, not by score.
alter table award add column band_code text check (band_code is null or band_code ~ '^[A-Za-z0-9_-]{1,20}$');
-- Level 8: the costed lines (src/funding/rules/level8.ts) and their total, which is the annual amount.
alter table award add column level8_package jsonb;
alter table award add column level8_total_pence bigint check (level8_total_pence is null or level8_total_pence >= 0);
alter table award add constraint award_level8_total check ((level8_package is null) = (level8_total_pence is null));
-- Returned for more evidence: the reason stays with the award when it is resubmitted.
alter table award add column returned_reason text check (returned_reason is null or length(returned_reason) between 1 and 2000);
alter table award add column returned_at timestamptz;
alter table award add column returned_by uuid references app_user (id);
alter table award add constraint award_returned check (status <> 'returned' or returned_reason is not null);
alter table award add constraint award_returned_by check ((returned_at is null) = (returned_by is null));
