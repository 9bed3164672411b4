import type { Kysely } from 'kysely'
import { z } from 'zod'
import { ageBandOf, censusDate } from '../insight/rules/caseload.ts'
import type { Actor, Role } from '../platform/actor.ts'
import { audit } from '../platform/audit/audit.ts'
import { ConflictError, ForbiddenError, NotFoundError } from '../platform/errors.ts'
import type { Cell } from '../platform/http/downloads.ts'
import { parseOrThrow } from '../platform/http/validation.ts'
import type { DB } from '../schema.ts'
import { FORECAST_ROLES, type ForecastService } from './forecast-service.ts'
import { forecast, scenarioSchema, type ScenarioInput } from './rules/forecast.ts'
import { SufficiencyStore } from './sufficiency-store.ts'
import { PROVISIONS, placementMix, projectedDemand, type Provision } from './rules/sufficiency.ts'

// Sufficiency of specialist places: the forecast of plans (by need, age and locality) times the share
// of plans like them that are in a special school or a resource base now (rules/sufficiency.ts),
// against the places each locality's special schools and resource bases have. Aggregates only.

type SettingRow = { id: string; name: string; locality: string; provision: Provision; places: number | null }

export type SufficiencyView =
  | {
      ok: true
      origin: number
      censusDate: string
      years: number[]
      scenario: ScenarioInput
      byLocality: { locality: string; provision: Provision; places: number; demand: number[] }[]
      byNeed: { need: string; provision: Provision; demand: number[] }[]
      /** Settings with their places, for the capacity table. */
      settings: SettingRow[]
    }
  | { ok: false; reason: string; scenario: ScenarioInput; settings: SettingRow[] }

/** Who may record a setting's places: capacity is the LA's planning decision, not a finance reading. */
export const PLACES_EDITORS: readonly Role[] = ['la_admin', 'send_manager']

const placesSchema = z.object({
  places: z.preprocess(
    v => (typeof v === 'string' ? (v.trim() === '' ? null : v.trim()) : v),
    z
      .union([
        z.null(),
        z.coerce
          .number({ message: 'Places must be a whole number, such as 120' })
          .refine(v => Number.isInteger(v), { message: 'Places must be a whole number, such as 120' })
          .refine(v => v >= 1 && v <= 2000, {
            message: 'Places must be between 1 and 2,000, or left blank for none recorded',
          }),
      ])
      .optional(),
  ),
  version: z.coerce
    .number({ message: 'The form is missing its version: open the setting again' })
    .int({ message: 'The form is missing its version: open the setting again' }),
})

export type SettingPlaces = {
  id: string
  name: string
  provision: Provision
  places: number | null
  version: number
}

export const PROVISION_LABELS: Record<Provision, string> = {
  special: 'Special school places',
  resource_base: 'Resource base places',
}

export class SufficiencyService {
  private readonly store: SufficiencyStore

  constructor(
    private readonly db: Kysely<DB>,
    private readonly laCode: string,
    private readonly forecasts: ForecastService,
  ) {
    this.store = new SufficiencyStore(db, laCode)
  }

  mayRead(actor: Actor): boolean {
    return FORECAST_ROLES.includes(actor.role)
  }

  localities(): Promise<{ code: string; name: string }[]> {
    return this.store.localities()
  }

  mayEditPlaces(actor: Actor): boolean {
    return PLACES_EDITORS.includes(actor.role)
  }

  /** A setting's places: a special school's commissioned places, or another setting's resource-base places. */
  async settingPlaces(actor: Actor, settingId: string): Promise<SettingPlaces> {
    if (!this.mayEditPlaces(actor)) throw new ForbiddenError()
    const s = await this.store.setting(settingId)
    if (!s) throw new NotFoundError()
    const provision: Provision = s.setting_type === 'special' ? 'special' : 'resource_base'
    return {
      id: s.id,
      name: s.name,
      provision,
      places: provision === 'special' ? s.special_places : s.resource_base_places,
      version: s.version,
    }
  }

  /** Records a setting's places, refusing a stale form (ConflictError) and auditing the change with it. */
  async recordPlaces(actor: Actor, settingId: string, input: unknown): Promise<SettingPlaces> {
    const current = await this.settingPlaces(actor, settingId)
    const { places = null, version } = parseOrThrow(placesSchema, input)
    return this.db.transaction().execute(async trx => {
      const column = current.provision === 'special' ? 'special_places' : 'resource_base_places'
      const updated = await new SufficiencyStore(trx, this.laCode).updatePlaces(current.id, column, places, version)
      if (updated === undefined) throw new ConflictError('Someone else changed this setting since you opened it')
      await audit(trx, this.laCode, actor, {
        action: 'planning.setting-places.update',
        recordType: 'setting',
        recordId: current.id,
        details: { provision: current.provision, from: current.places, to: places },
      })
      return { ...current, places, version: updated }
    })
  }

  async view(actor: Actor, input: Record<string, unknown>): Promise<SufficiencyView> {
    if (!this.mayRead(actor)) throw new ForbiddenError()
    const scenario = parseOrThrow(scenarioSchema, input)
    const { history, latest } = await this.forecasts.historyWithRecords()
    await audit(this.db, this.laCode, actor, { action: 'planning.sufficiency.read', details: { scenario } })
    const outcome = forecast(history, scenario.years, scenario)
    const settings = await this.store.specialistSettings()
    const places = new Map<string, number>()
    const listed = settings.map(s => {
      const provision: Provision = s.setting_type === 'special' ? 'special' : 'resource_base'
      const n = provision === 'special' ? s.special_places : s.resource_base_places
      const key = `${s.locality_code ?? 'none'}|${provision}`
      places.set(key, (places.get(key) ?? 0) + (n ?? 0))
      return { id: s.id, name: s.name, locality: s.locality_code ?? 'none', provision, places: n }
    })
    if (!outcome.ok) return { ok: false, reason: outcome.reason, scenario, settings: listed }
    const p = outcome.projection
    const on = censusDate(p.origin)
    const resourced = await this.store.resourcedChildren(on)
    const mix = placementMix(
      latest.map(r => ({
        need: r.need,
        locality: r.locality,
        ageBand: ageBandOf(r.ncYear),
        provision: r.settingType === 'special' ? 'special' : resourced.has(r.childId) ? 'resource_base' : null,
      })),
    )
    const demand = projectedDemand(p, mix, g => ageBandOf(Number(p.groups[g]!.label)))
    const localities = [...new Set([...demand.byLocality.keys(), ...places.keys()].map(k => k.split('|')[0]!))].sort()
    return {
      ok: true,
      origin: p.origin,
      censusDate: on,
      years: p.years.map(y => y.year),
      scenario,
      // A locality with neither places nor demand for a provision has nothing to say about it.
      byLocality: localities
        .flatMap(locality =>
          PROVISIONS.map(provision => ({
            locality,
            provision,
            places: places.get(`${locality}|${provision}`) ?? 0,
            demand: (demand.byLocality.get(`${locality}|${provision}`) ?? p.years.map(() => 0)).map(Math.round),
          })),
        )
        .filter(r => r.places > 0 || r.demand.some(v => v > 0)),
      byNeed: [...demand.byNeed]
        .map(([key, values]) => ({
          need: key.split('|')[0]!,
          provision: key.split('|')[1] as Provision,
          demand: values.map(Math.round),
        }))
        .filter(r => r.demand.some(v => v > 0))
        .sort((a, b) => b.demand[0]! - a.demand[0]! || a.need.localeCompare(b.need)),
      settings: listed,
    }
  }
}

/** The sufficiency page's tables, each downloadable. */
export function sufficiencyTables(
  view: Extract<SufficiencyView, { ok: true }>,
  localityName: (code: string) => string,
  needLabel: (code: string) => string,
) {
  const years = view.years.map((y, i) => (i === 0 ? `${y} (now)` : String(y)))
  const last = view.years.length - 1
  return [
    {
      name: 'sufficiency-by-locality',
      caption: 'Specialist places against projected demand, by locality',
      header: ['Locality', 'Provision', 'Places', ...years, `Places left in ${view.years[last]}`],
      rows: view.byLocality.map(r => [
        localityName(r.locality),
        PROVISION_LABELS[r.provision],
        r.places,
        ...r.demand,
        r.places - r.demand[last]!,
      ]) as Cell[][],
    },
    {
      name: 'sufficiency-by-need',
      caption: 'Projected demand for specialist places, by primary need',
      header: ['Primary need', 'Provision', ...years],
      rows: view.byNeed.map(r => [needLabel(r.need), PROVISION_LABELS[r.provision], ...r.demand]) as Cell[][],
    },
  ]
}
