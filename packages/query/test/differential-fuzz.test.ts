/**
 * Differential fuzz of the query engine: random models (every field kind, nullable/optional, long and
 * astral strings, extreme numbers, extended-year dates), random records (some with caller-chosen ids),
 * random queries over every operator, order, offset/limit, cursor paging, count/exact count/first/
 * exists/paginate/get, with creates, updates and deletes interleaved. Each answer is compared with a
 * naive evaluation (test/fuzz/reference.ts) over the records the repository returned.
 *
 * CI runs a fixed seed. A longer run: `S3V_FUZZ_QUERIES=100000 S3V_FUZZ_SEED=7 npx vitest run
 * packages/query/test/differential-fuzz.test.ts` (any seed: one seed replays the same models, records
 * and queries, ids and timestamps aside). `S3V_FUZZ_REPORT=file.json` writes every discrepancy there.
 */
import { writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { runFuzz } from './fuzz/run.js'

const QUERIES = Number(process.env.S3V_FUZZ_QUERIES ?? 3000)
const SEED = Number(process.env.S3V_FUZZ_SEED ?? 20261126)

/** Every access path the planner has; the run must exercise each. */
const PATHS = [
  'ids',
  'unique',
  'indexEq',
  'indexRange bounded',
  'indexRange bounded desc',
  'indexRange walk',
  'indexRange walk desc',
  'indexPrefix',
  'records scan',
  'records in order',
  'refused',
]

describe('differential fuzz: query answers equal a naive evaluation', () => {
  it(`${QUERIES} random queries (seed ${SEED}) on every access path, 0 discrepancies`, async () => {
    const started = Date.now()
    const report = await runFuzz(SEED, QUERIES)
    const byKind: Record<string, number> = {}
    for (const d of report.discrepancies) byKind[d.kind] = (byKind[d.kind] ?? 0) + 1
    console.log(
      JSON.stringify(
        {
          seed: SEED,
          queries: report.queries,
          worlds: report.worlds,
          seconds: (Date.now() - started) / 1000,
          paths: report.paths,
          operations: report.operations,
          discrepancies: report.discrepancies.length,
          byOperation: byKind,
        },
        null,
        1,
      ),
    )
    if (process.env.S3V_FUZZ_REPORT) writeFileSync(process.env.S3V_FUZZ_REPORT, JSON.stringify(report, null, 1))
    for (const d of report.discrepancies.slice(0, 15)) console.log(`[${d.kind}] world ${d.world}: ${d.query}\n    ${d.detail}`)
    for (const path of PATHS) expect(report.paths[path] ?? 0, `queries on the ${path} path`).toBeGreaterThan(0)
    expect(report.discrepancies.map((d) => `${d.kind}: ${d.query} — ${d.detail}`)).toEqual([])
  }, 600_000)
})
