-- Benchmarking: the DfE "Education, health and care plans" figures as published, for England, every
-- region and every local authority. Not the authority's own data, so no la_code: every authority
-- reads the same national figures. A value the DfE suppressed has no number and keeps its marker
-- ('x', 'z', 'c' or '' as published). One row per release, file, measure, period, area and
-- breakdown, so importing the same file again changes nothing.
create table published_figure (
  release text not null,
  file text not null,
  measure text not null,
  -- As published ('202425' academic year, '2024' calendar year), and the year it describes
  -- (January 2025 for the caseload census '202425').
  time_period text not null,
  period_year integer not null,
  geographic_level text not null check (geographic_level in ('National', 'Regional', 'Local authority')),
  -- 'E92000001' for England, the region's code, or the authority's old (three-digit) LA code.
  area_code text not null,
  area_name text not null,
  region_code text not null default '',
  region_name text not null default '',
  breakdown_topic text not null,
  breakdown text not null,
  value double precision,
  marker text,
  check ((value is null) = (marker is not null)),
  primary key (measure, area_code, period_year, release, file, time_period, breakdown_topic, breakdown)
);

-- What is loaded, by release and file; and the list of authorities for the comparator picker.
create index published_figure_release on published_figure (release, file);
create index published_figure_level on published_figure (measure, geographic_level, period_year);
