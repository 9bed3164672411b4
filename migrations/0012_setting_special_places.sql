-- Sufficiency planning: the places a special school is commissioned for, recorded by the LA (a resource
-- base's places are already setting.resource_base_places). Null until someone records them.
alter table setting add column special_places integer check (special_places is null or special_places > 0);
