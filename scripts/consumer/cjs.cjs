// Consumer check (CommonJS): require() of every package works through the `default` export condition
// (Node 20.19+, 22 and 24 load ES modules from require).
const core = require('@s3verless/core')
const { query } = require('@s3verless/query')
const { S3verless } = require('@s3verless/hono')
const z = require('zod')
for (const name of ['@s3verless/cache', '@s3verless/auth', '@s3verless/storage', '@s3verless/migrations', '@s3verless/testing']) {
  if (Object.keys(require(name)).length === 0) throw new Error(`require('${name}') gave nothing`)
}
const Note = core.defineModel(z.object({ text: z.string() }), { name: 'Note' })
const notes = core.createDatabase({ store: core.memoryStore(), models: [Note] }).repository(Note)
notes
  .create({ text: 'hi' })
  .then(() => query(notes).all())
  .then((all) => {
    if (all.length !== 1 || typeof S3verless !== 'function') throw new Error('require() path broken')
    console.log('cjs: ok')
  })
  .catch((error) => {
    console.error(error)
    process.exit(1)
  })
