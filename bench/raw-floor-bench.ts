/**
 * Table 2: the library against the raw-SDK floor (raw-floor.ts) on one S3 server in one run. The
 * two sides' calls alternate one by one (which side goes first alternates too), so machine noise
 * hits both; each call is timed alone and its requests counted by type.
 */
import { randomUUID } from 'node:crypto'
import { createDatabase, defineModel, type InstrumentedStore, type RequestCounts } from '@s3verless/core'
import { query } from '@s3verless/query'
import * as z from 'zod'
import { type FloorRecord, RawFloor, type SdkClient, type TypedCounts, zeroCounts } from './raw-floor.js'
import { int, ms, percentile, progress, ratio } from './stats.js'

/** A unique and an indexed field, and one that is neither. */
export const Entry = defineModel(z.object({ code: z.string(), group: z.string(), note: z.string() }), {
  name: 'Entry',
  unique: ['code'],
  indexed: ['group'],
})

/** One side's figures for one operation. */
export interface FloorSide {
  /** Requests of all calls, by type. */
  counts: TypedCounts
  calls: number
  times: number[]
}

export interface FloorFigures {
  id: string
  label: string
  ours: FloorSide
  floor: FloorSide
}

const typed = (c: RequestCounts): TypedCounts => ({ LIST: c.list, GET: c.get, HEAD: 0, PUT: c.put, DELETE: c.delete + c.deleteMany })

/** `1 LIST + 20 GET`: requests per call by type (averaged, when calls differ). */
export function perCall(side: FloorSide): string {
  const parts = (Object.entries(side.counts) as [string, number][])
    .filter(([, n]) => n > 0)
    .map(([type, n]) => {
      const each = n / side.calls
      return `${Number.isInteger(each) ? each : each.toFixed(2)} ${type}`
    })
  return parts.join(' + ') || '0'
}

/**
 * Runs the eight operations on both sides: `records` inserts (20 per group), then `reps` calls of
 * each other operation (groups for the list and count; the deletes last). Throws when the two sides
 * answer differently.
 */
export async function measureFloor(options: {
  store: InstrumentedStore
  sdk: SdkClient
  bucket: string
  records: number
  reps?: number
}): Promise<FloorFigures[]> {
  const { store, records } = options
  const reps = Math.min(options.reps ?? 200, records)
  const entries = createDatabase({ store, models: [Entry] }).repository(Entry)
  const floor = new RawFloor(options.sdk, options.bucket)
  const groups = Math.max(1, Math.floor(records / 20))
  const input = (i: number) => ({ code: `C-${i}`, group: `g${i % groups}`, note: 'first' })
  await entries.indexStatus() // the index catalog, read once per process: not a cost of the first call
  store.reset()

  const figures: FloorFigures[] = []
  const side = (): FloorSide => ({ counts: zeroCounts(), calls: 0, times: [] })
  /** Calls both sides `count` times, alternating which goes first, checking their answers agree. */
  async function measure<A, B>(
    id: string,
    label: string,
    count: number,
    ours: (i: number) => Promise<A>,
    theirs: (i: number) => Promise<B>,
    same: (a: A, b: B) => boolean,
  ) {
    progress(`floor: ${label} × ${int(count)}`)
    const f: FloorFigures = { id, label, ours: side(), floor: side() }
    const runOurs = async (i: number) => {
      store.reset()
      const t = performance.now()
      const result = await ours(i)
      f.ours.times.push(performance.now() - t)
      const c = typed(store.counts())
      for (const type of Object.keys(c) as (keyof TypedCounts)[]) f.ours.counts[type] += c[type]
      f.ours.calls++
      return result
    }
    const runTheirs = async (i: number) => {
      floor.takeCounts()
      const t = performance.now()
      const result = await theirs(i)
      f.floor.times.push(performance.now() - t)
      const c = floor.takeCounts()
      for (const type of Object.keys(c) as (keyof TypedCounts)[]) f.floor.counts[type] += c[type]
      f.floor.calls++
      return result
    }
    for (let i = 0; i < count; i++) {
      let a: A
      let b: B
      if (i % 2 === 0) {
        a = await runOurs(i)
        b = await runTheirs(i)
      } else {
        b = await runTheirs(i)
        a = await runOurs(i)
      }
      if (!same(a, b)) throw new Error(`${label}, call ${i}: the library answered ${JSON.stringify(a)}, the floor ${JSON.stringify(b)}`)
    }
    figures.push(f)
  }

  const ids: { ours: string; floor: string }[] = []
  const sameRecord = (a: { code: string; group: string; note: string } | null, b: FloorRecord | null) =>
    a !== null && b !== null && a.code === b.code && a.group === b.group && a.note === b.note
  const codes = (rows: readonly { code: string }[]) => rows.map((row) => row.code).sort()

  await measure(
    'insert',
    `insert (${int(records)} records)`,
    records,
    (i) => entries.create(input(i)),
    (i) => floor.insert(input(i)),
    (a, b) => {
      ids.push({ ours: a.id, floor: b.id })
      return sameRecord(a, b)
    },
  )
  await measure(
    'get',
    'get by id',
    reps,
    (i) => entries.get(ids[i]!.ours),
    (i) => floor.get(ids[i]!.floor),
    sameRecord,
  )
  await measure(
    'update',
    'update one non-indexed field',
    reps,
    (i) => entries.update(ids[i]!.ours, { note: `second ${i}` }),
    (i) => floor.update(ids[i]!.floor, `second ${i}`),
    sameRecord,
  )
  const groupReps = Math.min(reps, groups)
  await measure(
    'list',
    'list the 20 records of one indexed value',
    groupReps,
    (i) =>
      query(entries)
        .filter({ group: `g${i}` })
        .all(),
    (i) => floor.listByGroup(`g${i}`),
    (a, b) => a.length === Math.min(20, records) && JSON.stringify(codes(a)) === JSON.stringify(codes(b)),
  )
  await measure(
    'count',
    'count them',
    groupReps,
    (i) =>
      query(entries)
        .filter({ group: `g${i}` })
        .count(),
    (i) => floor.countByGroup(`g${i}`),
    (a, b) => a === b && a === Math.min(20, records),
  )
  await measure(
    'findBy',
    'findBy unique',
    reps,
    (i) => entries.findBy('code', `C-${i}`),
    (i) => floor.findByCode(`C-${i}`),
    sameRecord,
  )
  await measure(
    'missing',
    'get of a missing id',
    reps,
    () => entries.get(randomUUID()),
    () => floor.get(`g0/${randomUUID()}`),
    (a, b) => a === null && b === null,
  )
  await measure(
    'delete',
    'delete',
    reps,
    (i) => entries.delete(ids[i]!.ours).then(() => true),
    (i) => floor.delete(ids[i]!.floor),
    (a, b) => a && b,
  )
  return figures
}

export const FLOOR_HEAD = [
  '| operation | requests, ours | requests, floor | median ms, ours | p90 ms, ours | median ms, floor | p90 ms, floor | median ratio to the floor |',
  '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
]

export function floorRows(figures: FloorFigures[]): string[] {
  return figures.map(({ label, ours, floor }) => {
    const a = percentile(ours.times, 0.5)
    const b = percentile(floor.times, 0.5)
    return `| ${label} | ${perCall(ours)} | ${perCall(floor)} | ${ms(a)} | ${ms(percentile(ours.times, 0.9))} | ${ms(b)} | ${ms(percentile(floor.times, 0.9))} | ${ratio(a, b)} |`
  })
}
