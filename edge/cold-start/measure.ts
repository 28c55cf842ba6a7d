// Cold start of the S3 client in workerd: fetch client vs AWS SDK. Each worker is bundled minified,
// served by a fresh workerd and timed from spawn to its first answer, against a trivial worker.
// Run: npx tsx --conditions=@s3verless/source edge/cold-start/measure.ts
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { startWorkerd } from '../test/workerd.js'

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser', // the SDK's browser build is chosen by the browser field's remapping, which needs this
    mainFields: ['browser', 'module', 'main'],
    conditions: ['@s3verless/source', 'workerd', 'worker', 'browser'],
    logLevel: 'error',
  })
  return result.outputFiles[0]?.text ?? ''
}

async function firstAnswerMs(code: string): Promise<number> {
  const started = performance.now()
  const worker = await startWorkerd(code, {})
  await (await fetch(worker.url)).text()
  const ms = performance.now() - started
  await worker.stop()
  return ms
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const variants = [
  ['trivial worker', 'export default { fetch() { return new Response("ok") } }'],
  ['fetch client (own SigV4)', await bundle('./fetch-client.ts')],
  ['AWS SDK v3 S3Client', await bundle('./sdk-client.ts')],
] as const
const samples = variants.map(() => [] as number[])
// Interleaved rounds, so load from elsewhere on the machine falls on every variant alike.
for (let round = 0; round < 9; round++) for (const [i, [, code]] of variants.entries()) samples[i]?.push(await firstAnswerMs(code))
const base = median(samples[0] ?? [])
for (const [i, [name, code]] of variants.entries()) {
  const ms = median(samples[i] ?? [])
  console.log(
    `${name}: ${(code.length / 1024).toFixed(0)} KiB minified, first answer ${ms.toFixed(0)} ms after spawn (median of 9; +${(ms - base).toFixed(0)} ms)`,
  )
}
