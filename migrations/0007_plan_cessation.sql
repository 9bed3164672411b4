-- R12: a decision to cease a plan is made (and appealable) before the plan ends: ehc_plan.cease_reason
-- may only be set with ceased_on, so the decided reason and the officer's note wait here until then.
alter table ehc_plan add column cease_decision_reason integer check (cease_decision_reason between 1 and 9);
alter table ehc_plan add column cease_note text check (cease_note is null or length(cease_note) <= 2000);
alter table ehc_plan add constraint ehc_plan_cease_decision
  check (cease_decision_reason is null or cease_decided_on is not null);
