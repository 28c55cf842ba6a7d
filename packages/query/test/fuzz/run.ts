import { isS3verlessError, type Repository } from '@s3verless/core'
import { type Plan, query } from '../../src/index.js'
import { describeQuery, type GenQuery, queryFields, randomQuery, refQuery } from './queries.js'
import { referenceMatches, referenceWindow } from './reference.js'
import { Rng } from './rng.js'
import { chosenId, type FieldSpec, modelOf, openRepo, plain, type Rec, randomData, randomFields } from './world.js'

/** What a fuzz run found. */
export interface FuzzReport {
  queries: number
  worlds: number
  /** Queries per access path (as `explain()` names it). */
  paths: Record<string, number>
  /** Operations run (all, pages, count, …). */
  operations: Record<string, number>
  discrepancies: { kind: string; seed: number; world: number; query: string; detail: string }[]
}

const OPERATIONS = ['all', 'all', 'pages', 'count', 'countExact', 'first', 'exists', 'paginate', 'get'] as const
type Operation = (typeof OPERATIONS)[number]

/** A record in a canonical text form (dates as ISO, -0 as 0, keys sorted), to compare contents. */
const canonical = (r: Record<string, unknown>) =>
  JSON.stringify(
    Object.keys(r)
      .sort()
      .map((k) => [k, r[k] instanceof Date ? (r[k] as Date).toISOString() : Object.is(r[k], -0) ? 0 : r[k]]),
  )

/** The label `explain()` gives a plan's access path in the report. */
export function pathLabel(plan: Plan): string {
  const p = plan.path
  if (p.kind === 'indexRange') return `indexRange ${p.lower || p.upper ? 'bounded' : 'walk'}${p.descending ? ' desc' : ''}`
  if (p.kind === 'records') return plan.scan ? 'records scan' : 'records in order'
  return p.kind
}

type Repo = Repository<ReturnType<typeof modelOf>>

function build(repo: Repo, q: GenQuery, overrides: { limit?: number } = {}) {
  let b = query(repo) as ReturnType<typeof query>
  for (const g of q.filters) b = b.filter(Object.fromEntries(g.map((c) => [c.key, c.engine])) as never)
  for (const g of q.excludes) b = b.exclude(Object.fromEntries(g.map((c) => [c.key, c.engine])) as never)
  if (q.order) b = b.orderBy((q.order.descending ? `-${q.order.field}` : q.order.field) as never)
  if (q.offset !== undefined) b = b.offset(q.offset)
  const limit = 'limit' in overrides ? overrides.limit : q.limit
  if (limit !== undefined) b = b.limit(limit)
  return b
}

const ids = (rs: readonly { id: string }[]) => rs.map((r) => r.id)
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i])

/** Runs `op` for `q` and returns a description of the difference from the reference, or undefined. */
async function check(rng: Rng, repo: Repo, records: Map<string, Rec>, q: GenQuery, op: Operation): Promise<string | undefined> {
  const all = [...records.values()]
  const rq = refQuery(q)
  const matches = referenceMatches(all, rq)
  const window = referenceWindow(all, rq)
  const ordered = q.order !== undefined
  const sameContents = (got: Record<string, unknown>[]) => {
    for (const r of got) {
      const want = records.get(r.id as string)
      if (!want) return `returned ${r.id}, which does not exist`
      if (canonical({ ...r }) !== canonical(want)) return `record ${r.id} differs: ${canonical({ ...r })} vs ${canonical(want)}`
    }
    return undefined
  }
  const compareList = (got: string[], want: Rec[], pool: Rec[]) => {
    if (new Set(got).size !== got.length) return `duplicates in ${got.length} results`
    if (ordered)
      return same(got, ids(want)) ? undefined : `got ${got.length} [${got.join(' ')}], want ${want.length} [${ids(want).join(' ')}]`
    if (got.length !== want.length) return `got ${got.length} results, want ${want.length}`
    const allowed = new Set(ids(pool))
    const stray = got.find((id) => !allowed.has(id))
    return stray ? `${stray} does not match` : undefined
  }
  switch (op) {
    case 'all': {
      const got = await build(repo, q).all()
      return compareList(ids(got), window, q.offset || q.limit !== undefined ? matches : window) ?? sameContents(got as never)
    }
    case 'pages': {
      const size = 1 + rng.int(4)
      const want = matches.slice(q.offset ?? 0)
      const seen: string[] = []
      let cursor: string | undefined
      let pages = 0
      do {
        const page = await build(repo, q, { limit: size }).after(cursor).fetch()
        const problem = sameContents(page.items as never)
        if (problem) return problem
        seen.push(...ids(page.items))
        cursor = page.nextCursor
        if (++pages > want.length / size + 3) return `cursor paging does not end (${seen.length} seen, ${want.length} expected)`
      } while (cursor)
      return compareList(seen, want, q.offset ? matches : want)
    }
    case 'count':
    case 'countExact': {
      const got = await build(repo, q).count(op === 'countExact' ? { exact: true } : {})
      return got === window.length ? undefined : `count ${got}, want ${window.length}`
    }
    case 'first': {
      const got = await build(repo, q).first()
      if (window.length === 0) return got === null ? undefined : `first() gave ${got.id}, want null`
      if (got === null) return `first() gave null, want ${window[0]?.id}`
      if (ordered) return got.id === window[0]?.id ? undefined : `first() gave ${got.id}, want ${window[0]?.id}`
      return matches.some((r) => r.id === got.id) ? undefined : `first() gave ${got.id}, which does not match`
    }
    case 'exists': {
      const got = await build(repo, q).exists()
      return got === window.length > 0 ? undefined : `exists() ${got}, want ${window.length > 0}`
    }
    case 'paginate': {
      const page = 1 + rng.int(3)
      const size = 1 + rng.int(4)
      const got = await build(repo, q).paginate(page, size)
      const want = window.slice((page - 1) * size, page * size)
      const totalPages = Math.ceil(window.length / size)
      if (got.totalCount !== window.length) return `paginate totalCount ${got.totalCount}, want ${window.length}`
      if (got.totalPages !== totalPages || got.hasNext !== page < totalPages || got.hasPrev !== page > 1)
        return `paginate totals ${JSON.stringify([got.totalPages, got.hasNext, got.hasPrev])}, want ${JSON.stringify([totalPages, page < totalPages, page > 1])}`
      return compareList(ids(got.items), want, matches)
    }
    case 'get': {
      const outcome = await build(repo, q)
        .get()
        .then(
          (r) => r.id,
          (e) => (isS3verlessError(e) ? e.code : String(e)),
        )
      const want = window.length === 1 ? window[0]?.id : window.length === 0 ? 'query.noResults' : 'query.multipleResults'
      return outcome === want ? undefined : `get() gave ${outcome}, want ${want}`
    }
  }
}

/** Creates, updates or deletes one random record, keeping the reference's copy in step. */
async function mutate(rng: Rng, repo: Repo, fields: FieldSpec[], records: Map<string, Rec>): Promise<void> {
  const r = rng.next()
  const existing = [...records.keys()]
  if (r < 0.5 || existing.length < 3) {
    const data = randomData(rng, fields, false)
    if (rng.chance(0.25)) data.id = chosenId(rng)
    const created = plain(await repo.create(data as never))
    records.set(created.id, created)
  } else if (r < 0.85) {
    const id = rng.pick(existing)
    const updated = plain(await repo.update(id, randomData(rng, fields, true) as never))
    records.set(id, updated)
  } else {
    const id = rng.pick(existing)
    await repo.delete(id)
    records.delete(id)
  }
}

/**
 * Runs `queries` random queries (over about `queries / 100` random models), each answer compared with
 * the reference; updates and deletes are interleaved between queries.
 */
export async function runFuzz(seed: number, queries: number): Promise<FuzzReport> {
  const rng = new Rng(seed)
  const report: FuzzReport = { queries: 0, worlds: 0, paths: {}, operations: {}, discrepancies: [] }
  const perWorld = 100
  for (let world = 0; report.queries < queries; world++) {
    report.worlds++
    const fields = randomFields(rng)
    const model = modelOf(rng, fields, world)
    const repo = openRepo(model) as Repo
    const records = new Map<string, Rec>()
    const initial = 12 + rng.int(30)
    for (let i = 0; i < initial; i++) await mutate(rng, repo, fields, records)
    const qfields = queryFields(fields, new Set(model.indexed))
    for (let i = 0; i < perWorld && report.queries < queries; i++) {
      if (rng.chance(0.3)) await mutate(rng, repo, fields, records)
      const q = randomQuery(rng, qfields, [...records.values()])
      const op = rng.pick(OPERATIONS)
      if (op === 'get' && (q.offset !== undefined || q.limit !== undefined)) continue
      report.queries++
      report.operations[op] = (report.operations[op] ?? 0) + 1
      let problem: string | undefined
      try {
        if (!q.refused) {
          const label = pathLabel(build(repo, q).explain())
          report.paths[label] = (report.paths[label] ?? 0) + 1
        }
        problem = await check(rng, repo, records, q, op)
        if (q.refused) problem = `answered instead of refusing with ${q.refused}`
      } catch (error) {
        if (!(q.refused && isS3verlessError(error, q.refused as never))) {
          problem = `threw ${isS3verlessError(error) ? error.code : ''} ${(error as Error).message?.slice(0, 200)}`
        } else report.paths.refused = (report.paths.refused ?? 0) + 1
      }
      if (problem) {
        report.discrepancies.push({ kind: op, seed, world, query: describeQuery(q), detail: problem.slice(0, 600) })
      }
    }
  }
  return report
}
