import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import JSZip from 'jszip'
import request from 'supertest'
import { loadBudgetDemo } from '../src/planning/budget-demo.ts'
import { loadProgrammeDemo } from '../src/programme/demo.ts'
import { signedIn, startTestApp, type Client, type TestApp } from './support/app.ts'
import { LA, TODAY } from './support/fixture.ts'

// The improvement programme over HTTP: the SEND manager updates an action and a plan item's RAG, the
// progress counts and the RAG history move, stale saves are refused, and the scrutiny report follows.

let t: TestApp
let manager: Client
before(async () => {
  t = await startTestApp()
  await loadBudgetDemo(t.database.db, LA, TODAY)
  await loadProgrammeDemo(t.database.db, LA, TODAY)
  manager = await signedIn(t.app, 'manager')
})
after(() => t?.close())

const db = () => t.database.db
const wsoa = (html: string) => /id="wsoa-progress">([\s\S]*?)<\/p>/.exec(html)![1]!.replace(/<[^>]+>/g, '')

describe('the improvement programme', () => {
  it('shows seed 004’s 114 completed, 18 in progress and 0 not started of 132, and seed 003’s workstreams', async () => {
    const page = await manager.get('/programme')
    assert.equal(page.status, 200)
    assert.match(wsoa(page.text), /Across the 132 actions: 114 completed, 18 in progress and 0 not started/)
    for (const name of [
      'Redesigning our Specialist Services',
      'Developing and Delivering our Sufficiency Strategy',
      'Preparation for Adulthood and Post 16',
      'Redesigning our Spend Profile',
      'Specialist Inclusion Service Redesign Stakeholder Working Group — meets fortnightly',
    ])
      assert.ok(page.text.includes(name), name)
    // The demo's history: 1.3 slipped to monitor and 2.1 came off at risk within the last month.
    assert.match(
      page.text,
      /1\.3 Redesigning our Specialist Services Delivery Models<\/a><\/td>[\s\S]*?On track<\/td>\s*<td[^>]*>Worse/,
    )
    assert.match(
      page.text,
      /2\.1 Developing and Implementing Sufficiency Plan<\/a><\/td>[\s\S]*?At risk<\/td>\s*<td[^>]*>Better/,
    )
  })

  it('completes an action: each bad figure named, the counts move, a stale save kept beside the latest', async () => {
    const action = await db()
      .selectFrom('programme_action')
      .select(['id', 'area_id', 'version', 'description', 'owner', 'due_date'])
      .where('status', '=', 'in_progress')
      .orderBy('ref')
      .executeTakeFirstOrThrow()
    const form = {
      version: String(action.version),
      description: action.description,
      owner: action.owner,
      dueDate: action.due_date,
      status: 'completed',
      completedOn: '2999-01-01',
      evidence: 'Moderation audit shows agreed levels in 9 of 10 cases',
    }
    const bad = await manager.post(`/programme/actions/${action.id}`, { ...form, owner: ' ', dueDate: '2026-02-30' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Enter who owns the action/)
    assert.match(bad.text, /Enter the due date as a real date/)
    assert.match(bad.text, /The completion date must be today or in the past/)
    assert.match(bad.text, /Moderation audit shows agreed levels in 9 of 10 cases<\/textarea>/)

    const saved = await manager.post(`/programme/actions/${action.id}`, { ...form, completedOn: TODAY })
    assert.equal(saved.status, 303)
    assert.equal(saved.headers.location, `/programme/areas/${action.area_id}`)
    assert.match(wsoa((await manager.get('/programme')).text), /115 completed, 17 in progress and 0 not started/)

    const stale = await manager.post(`/programme/actions/${action.id}`, {
      ...form,
      completedOn: TODAY,
      owner: 'Someone else',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Someone else changed this action since you opened it/)
    assert.match(stale.text, /name="owner" type="text" value="Someone else"/)
    const audit = await db()
      .selectFrom('audit_event')
      .select('action')
      .where('action', '=', 'programme.action.save')
      .execute()
    assert.equal(audit.length, 1)
  })

  it('keeps every RAG change with the date, who and why, and shows the movement', async () => {
    const item = await db()
      .selectFrom('programme_item')
      .select(['id', 'version'])
      .where('ref', '=', '1.1')
      .executeTakeFirstOrThrow()
    const noReason = await manager.post(`/programme/items/${item.id}`, {
      version: String(item.version),
      rag: 'at_risk',
      reason: '',
      nextSteps: 'Refresh partnership agreements',
    })
    assert.equal(noReason.status, 400)
    assert.match(noReason.text, /Say why the RAG status has changed/)
    const changed = await manager.post(`/programme/items/${item.id}`, {
      version: String(item.version),
      rag: 'at_risk',
      reason: 'Partner withdrew from the co-production charter',
      nextSteps: 'Refresh partnership agreements',
    })
    assert.equal(changed.status, 303)
    const page = await manager.get(`/programme/items/${item.id}`)
    assert.match(page.text, /On track to At risk<\/td>\s*<td[^>]*>Test Manager<\/td>\s*<td[^>]*>Partner withdrew/)
    assert.match(
      (await manager.get('/programme')).text,
      /1\.1 Commissioning of Genuine Partnerships<\/a><\/td>[\s\S]*?On track<\/td>\s*<td[^>]*>Worse/,
    )
    const stale = await manager.post(`/programme/items/${item.id}`, {
      version: String(item.version),
      rag: 'on_track',
      reason: 'Back on track',
    })
    assert.equal(stale.status, 409)
    const history = await db().selectFrom('programme_rag_change').selectAll().where('item_id', '=', item.id).execute()
    assert.equal(history.length, 1)
    assert.deepEqual([history[0]!.from_rag, history[0]!.to_rag, history[0]!.changed_on], ['on_track', 'at_risk', TODAY])
  })

  it('puts the programme and the DSG in the scrutiny report', async () => {
    const report = await manager.get('/insight/scrutiny')
    assert.equal(report.status, 200)
    assert.match(report.text, /115 completed, 17 in progress and 0 not started/)
    assert.match(report.text, /1 is on track|on track, /)
    assert.match(report.text, /Written Statement of Action: actions by priority area/)
    assert.match(report.text, /Dedicated Schools Grant 2021-22/)
    assert.match(report.text, /£287,716,000\.00/)
    const csv = await manager.get('/insight/scrutiny?download=programme-rag&format=csv')
    assert.equal(csv.status, 200)
    assert.match(csv.text, /1\.1 Commissioning of Genuine Partnerships,At risk,On track,Worse/)
  })

  it('lets other LA staff read the programme but not change it, and keeps school users out', async () => {
    const officer = await signedIn(t.app, 'officer')
    assert.equal((await officer.get('/programme')).status, 200)
    const item = await db().selectFrom('programme_item').select(['id', 'version']).executeTakeFirstOrThrow()
    assert.doesNotMatch((await officer.get(`/programme/items/${item.id}`)).text, /Save the plan item/)
    assert.equal(
      (
        await officer.post(`/programme/items/${item.id}`, {
          version: String(item.version),
          rag: 'monitor',
          reason: 'x',
        })
      ).status,
      403,
    )
    const senco = await signedIn(t.app, 'senco.a')
    assert.equal((await senco.get('/programme')).status, 403)
  })

  it('exports actions and plan items, and imports them back all or nothing, each bad row by line and column', async () => {
    await manager.get('/programme/import')
    const csv = await manager.get('/programme/download?table=actions&format=csv')
    assert.equal(csv.status, 200)
    const lines = csv.text.trim().split(/\r?\n/)
    assert.equal(lines[0], 'ref,area,description,owner,due_date,status,completed_on,evidence')
    assert.equal(lines.length, 133)
    const xlsx = await manager.get('/programme/download?table=items&format=xlsx')
    assert.equal(xlsx.status, 200)
    assert.match(String(xlsx.headers['content-type']), /spreadsheetml/)

    const before = await db()
      .selectFrom('programme_action')
      .select(['ref', 'owner', 'version'])
      .orderBy('ref')
      .execute()
    const bad = [
      'ref,area,description,owner,due_date,status,completed_on,evidence',
      '1.1,1,Still fine,New owner,2026-01-31,completed,2026-01-20,',
      '99.1,99,New action,Head of SEND,2027-03-31,In progress,,',
      '1.2,1,,Head of SEND,2026-13-01,done,,',
    ].join('\n')
    const refused = await manager.upload('/programme/import', 'file', 'actions.csv', bad, { kind: 'actions' })
    assert.equal(refused.status, 422)
    for (const problem of [
      /<td[^>]*>4<\/td>\s*<td[^>]*>description<\/td>\s*<td[^>]*>Enter what the action is/,
      /<td[^>]*>4<\/td>\s*<td[^>]*>due_date<\/td>/,
      /<td[^>]*>4<\/td>\s*<td[^>]*>status<\/td>/,
    ])
      assert.match(refused.text, problem)
    const unknownArea = await manager.upload(
      '/programme/import',
      'file',
      'actions.csv',
      bad.split('\n').slice(0, 3).join('\n'),
      { kind: 'actions' },
    )
    assert.equal(unknownArea.status, 422)
    assert.match(unknownArea.text, /<td[^>]*>3<\/td>\s*<td[^>]*>area<\/td>\s*<td[^>]*>there is no priority area 99/)
    // Nothing changed by either refused file.
    assert.deepEqual(
      await db().selectFrom('programme_action').select(['ref', 'owner', 'version']).orderBy('ref').execute(),
      before,
    )

    const good = [
      'ref,area,description,owner,due_date,status,completed_on,evidence',
      '1.1,1,Still fine,New owner,2026-01-31,completed,2026-01-20,',
      '14.9,14,Train every SENCo on the new matrix,Head of SEND,2027-03-31,In progress,,',
    ].join('\n')
    const imported = await manager.upload('/programme/import', 'file', 'actions.csv', good, { kind: 'actions' })
    assert.equal(imported.status, 200)
    assert.match(imported.text, /1 added, 1 updated/)
    assert.match(wsoa((await manager.get('/programme')).text), /Across the 133 actions/)

    // A plan item's RAG changed by import needs its reason, and the change is kept.
    const items = await manager.get('/programme/download?table=items&format=csv')
    const row = items.text.split(/\r?\n/).find(l => l.startsWith('2.2,'))!
    const atRisk = row.replace(/,on_track,$/, ',at_risk,')
    const header = 'ref,workstream,title,purpose,next_steps,impact,rag,rag_reason'
    const noReason = await manager.upload('/programme/import', 'file', 'items.csv', `${header}\n${atRisk}`, {
      kind: 'items',
    })
    assert.equal(noReason.status, 422)
    assert.match(noReason.text, /<td[^>]*>2<\/td>\s*<td[^>]*>rag_reason<\/td>/)
    const withReason = atRisk.replace(/,at_risk,$/, ',at_risk,Tender delayed')
    assert.equal(
      (await manager.upload('/programme/import', 'file', 'items.csv', `${header}\n${withReason}`, { kind: 'items' }))
        .status,
      200,
    )
    const changes = await db()
      .selectFrom('programme_rag_change as c')
      .innerJoin('programme_item as i', 'i.id', 'c.item_id')
      .select(['c.from_rag', 'c.to_rag', 'c.reason'])
      .where('i.ref', '=', '2.2')
      .execute()
    assert.deepEqual(changes, [{ from_rag: 'on_track', to_rag: 'at_risk', reason: 'Tender delayed' }])
  })

  it('imports the Excel download back, and refuses a zip bomb named .xlsx before opening it', async () => {
    await manager.get('/programme/import')
    const xlsx = await request(t.app)
      .get('/programme/download?table=actions&format=xlsx')
      .set('Cookie', manager.cookie)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => done(null, Buffer.concat(chunks)))
      })
    assert.equal(xlsx.status, 200)
    const count = await db()
      .selectFrom('programme_action')
      .select(db().fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const back = await manager.upload('/programme/import', 'file', 'actions.xlsx', xlsx.body as Buffer, {
      kind: 'actions',
    })
    assert.equal(back.status, 200)
    assert.match(back.text, new RegExp(`0 added, ${Number(count.n)} updated`))

    const bomb = new JSZip()
    bomb.file('xl/worksheets/sheet1.xml', Buffer.alloc(60 * 1024 * 1024, 0x20))
    const small = await bomb.generateAsync({
      type: 'nodebuffer',
      compression: 'DEFLATE',
      compressionOptions: { level: 9 },
    })
    assert.ok(small.length < 1024 * 1024)
    const refused = await manager.upload('/programme/import', 'file', 'actions.xlsx', small, { kind: 'actions' })
    assert.equal(refused.status, 422)
    assert.match(refused.text, /the workbook would unpack to more than 50 MB, so it was not opened/)
  })

  it('lists actions whatever refs the import allowed, numbered parts in order', async () => {
    await manager.get('/programme/import')
    const csv = [
      'ref,area,description,owner,due_date,status,completed_on,evidence',
      '13.10,13,Tenth,Head of SEND,2027-03-31,in_progress,,',
      '13..2,13,Odd ref,Head of SEND,2027-03-31,in_progress,,',
      '999999999999,13,Long ref,Head of SEND,2027-03-31,in_progress,,',
    ].join('\n')
    assert.equal((await manager.upload('/programme/import', 'file', 'a.csv', csv, { kind: 'actions' })).status, 200)
    const area = await db()
      .selectFrom('programme_area')
      .select('id')
      .where('position', '=', 13)
      .executeTakeFirstOrThrow()
    const page = await manager.get(`/programme/areas/${area.id}`)
    assert.equal(page.status, 200)
    const refs = [...page.text.matchAll(/href="\/programme\/actions\/[0-9a-f-]+">([^<]+)<\/a>/g)].map(m => m[1])
    assert.ok(refs.indexOf('13.7') < refs.indexOf('13.10'), refs.join(' '))
    assert.ok(refs.includes('13..2') && refs.includes('999999999999'))
  })
})
