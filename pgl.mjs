import { PGlite } from '@electric-sql/pglite'
import fs from 'node:fs'
fs.rmSync('/tmp/pgd',{recursive:true,force:true})
let t=Date.now()
let pg = new PGlite('/tmp/pgd'); await pg.waitReady
console.log('init on disk ms', Date.now()-t)
const dump = await pg.dumpDataDir('none')
await pg.close()
t=Date.now(); pg = new PGlite('/tmp/pgd'); await pg.waitReady; console.log('reopen ms', Date.now()-t); await pg.close()
t=Date.now(); pg = new PGlite({loadDataDir: dump}); await pg.waitReady; console.log('load dump ms', Date.now()-t, dump.size)
t=Date.now(); const pg2 = new PGlite({loadDataDir: dump}); await pg2.waitReady; console.log('load dump2 ms', Date.now()-t)
