#!/usr/bin/env node
// The opensend command. Runs the compiled build when there is one, else the TypeScript source through tsx.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const built = fileURLToPath(new URL('../dist/main.js', import.meta.url))
if (existsSync(built)) {
  await import(built)
} else {
  const { register } = await import('tsx/esm/api')
  register()
  await import('../src/main.ts')
}
