import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Express } from 'express'
import nunjucks from 'nunjucks'
import { formatDate } from '../time/dates.ts'

export const projectRoot = fileURLToPath(new URL('../../../', import.meta.url))

const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
})
const number = new Intl.NumberFormat('en-GB')
const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' })

// Views live beside their domain code (src/<area>/views) and are named from src/, e.g.
// 'people/views/child.njk'; govuk-frontend's macros resolve from its dist folder.
export function configureViews(app: Express): nunjucks.Environment {
  const env = nunjucks.configure(
    [path.join(projectRoot, 'src'), path.join(projectRoot, 'node_modules/govuk-frontend/dist')],
    { autoescape: true, express: app, throwOnUndefined: false, noCache: false },
  )
  env.addFilter('date', (iso: string | null | undefined) => formatDate(iso))
  env.addFilter('dateTime', (value: Date | string | null | undefined) =>
    value ? dateTime.format(new Date(value)) : '',
  )
  env.addFilter('number', (value: number | null | undefined) => (value == null ? '' : number.format(value)))
  env.addFilter('pence', (value: number | null | undefined) => (value == null ? '' : pounds.format(value / 100)))
  app.set('view engine', 'njk')
  return env
}
