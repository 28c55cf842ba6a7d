/**
 * Quickstart: S3verless on the embedded file-system store. Runs a few operations and prints how
 * many S3 requests each took. Data goes to ./.s3verless-data (or $S3VERLESS_DATA_DIR).
 */
import { instrumentStore, isS3verlessError } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'

const root = process.env.S3VERLESS_DATA_DIR ?? '.s3verless-data'
const store = instrumentStore(fsStore({ root }))

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  store.reset()
  const result = await work()
  const c = store.counts()
  const parts = (['get', 'put', 'list', 'delete', 'deleteMany'] as const).filter((op) => c[op] > 0).map((op) => `${c[op]} ${op}`)
  console.log(`${label.padEnd(48)} ${String(c.total).padStart(3)} request(s)${parts.length ? ` (${parts.join(', ')})` : ''}`)
  return result
}

const run = `quickstart/${Date.now().toString(36)}/`
console.log(`S3verless quickstart on the file-system store at ${root}\n`)
const created = await step('create a note (create-if-absent)', () => store.put(`${run}note.json`, JSON.stringify({ text: 'hello' }), { ifNoneMatch: '*' }))
await step('a second create of the same key is refused', async () => {
  const error = await store.put(`${run}note.json`, '{}', { ifNoneMatch: '*' }).catch((e) => e)
  if (!isS3verlessError(error, 'store.preconditionFailed')) throw new Error('expected a refusal')
})
await step('update with compare-and-swap on the etag', () => store.put(`${run}note.json`, JSON.stringify({ text: 'hello again' }), { ifMatch: created.etag }))
const stale = await step('update with the stale etag fails (412)', () => store.put(`${run}note.json`, '{}', { ifMatch: created.etag }).catch((e) => e.code))
console.log(`  -> ${stale}`)
const note = await step('read it back', () => store.get(`${run}note.json`))
console.log(`  -> ${new TextDecoder().decode(note?.body)}`)
await step('write 25 more notes', () => Promise.all(Array.from({ length: 25 }, (_, i) => store.put(`${run}n${i}.json`, '{}'))))
const page = await step('list the first page of 10', () => store.list(run, { limit: 10 }))
console.log(`  -> ${page.objects.length} keys, more: ${page.cursor !== undefined}`)
console.log('\nDone. Models, indexes and queries build on this store: see the README.')
