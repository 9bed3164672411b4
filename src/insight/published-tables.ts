// The DfE's published EHC plan figures (migrations/0009_published_figures.sql).
export interface PublishedFigureTable {
  release: string
  file: string
  measure: string
  time_period: string
  period_year: number
  geographic_level: string
  area_code: string
  area_name: string
  region_code: string
  region_name: string
  breakdown_topic: string
  breakdown: string
  value: number | null
  marker: string | null
}

export interface PublishedTables {
  published_figure: PublishedFigureTable
}
