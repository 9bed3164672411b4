// Builds public/: the council stylesheet (Sass) and the front-end files the pages load.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
// Built beside public/ and swapped in, so a test run or server reading public/ never sees it half-made.
const pub = path.join(root, `.public-${process.pid}`)
const govuk = path.join(root, 'node_modules/govuk-frontend/dist/govuk')

fs.rmSync(pub, { recursive: true, force: true })
fs.mkdirSync(path.join(pub, 'stylesheets'), { recursive: true })
const css = sass.compile(path.join(root, 'assets/scss/application.scss'), {
  loadPaths: [root, path.join(root, 'node_modules')],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import', 'global-builtin', 'color-functions', 'if-function'],
})
fs.writeFileSync(path.join(pub, 'stylesheets/application.css'), css.css)
fs.cpSync(path.join(govuk, 'assets/images'), path.join(pub, 'images'), { recursive: true })
fs.cpSync(path.join(govuk, 'assets/manifest.json'), path.join(pub, 'manifest.json'))
fs.mkdirSync(path.join(pub, 'govuk'), { recursive: true })
fs.cpSync(path.join(govuk, 'govuk-frontend.min.js'), path.join(pub, 'govuk/govuk-frontend.min.js'))
fs.cpSync(path.join(root, 'assets/js'), path.join(pub, 'javascripts'), { recursive: true })
fs.rmSync(path.join(root, 'public'), { recursive: true, force: true })
fs.renameSync(pub, path.join(root, 'public'))
