import { encodeValue, type IndexValue } from '@s3verless/core'
import { fieldValue } from '@s3verless/core/internal'
import type { MigrationRecord } from './migration-types.js'
import type { RecordFailure } from './record-failure.js'

/** A unique value a record would take: the field, the value and its encoding (what its claim is named by). */
interface Take {
  field: string
  encoded: string
  value: unknown
}

const MAX_NAMED = 10
const named = (ids: readonly string[]) => (ids.length > MAX_NAMED ? `${ids.slice(0, MAX_NAMED).join(', ')}, …` : ids.join(', '))
const show = (value: unknown) => JSON.stringify(value)

function encoded(record: MigrationRecord, field: string): string | undefined {
  const value = fieldValue(record, field)
  if (value === null) return undefined // nulls are not claimed
  try {
    return encodeValue(value as IndexValue)
  } catch {
    return undefined // not a value a claim can hold: the write itself reports it
  }
}

/**
 * Checks, before anything is written, the unique values a pass over a model's records would leave.
 * The dry pass feeds it every record's values as stored and after the change ({@link add}); then
 * {@link failures} names every record that could not be written:
 * - two records would hold one value afterwards (both change into it, or one changes into the value
 *   another keeps);
 * - records would take values from each other in a cycle (a → b while b → a): each write claims its
 *   new value before it gives up the old one, so such a swap cannot be done one record at a time.
 * A chain (a → b while b → c) is fine: the writing pass defers a record whose value is still held by
 * a record of the same pass and retries it after the others.
 * Keeps each record's unique values in memory (nothing for a model without unique fields).
 */
export class UniqueCheck {
  /** field → encoded value → the records that would hold it afterwards. */
  readonly #after = new Map<string, Map<string, string[]>>()
  /** field → encoded value → the record holding it now that gives it up. */
  readonly #givenUp = new Map<string, Map<string, string>>()
  /** The values each record would take (only those that change). */
  readonly #takes = new Map<string, Take[]>()

  constructor(
    readonly modelName: string,
    readonly fields: readonly string[],
  ) {
    for (const f of fields) {
      this.#after.set(f, new Map())
      this.#givenUp.set(f, new Map())
    }
  }

  /** Notes a record's unique values as stored (`before`) and as the pass would write them (`after`: the same for a record left alone). */
  add(id: string, before: MigrationRecord, after: MigrationRecord): void {
    for (const field of this.fields) {
      const now = encoded(before, field)
      const next = encoded(after, field)
      if (next !== undefined) {
        const holders = this.#after.get(field) as Map<string, string[]>
        const ids = holders.get(next)
        if (ids) ids.push(id)
        else holders.set(next, [id])
      }
      if (now === next) continue
      if (now !== undefined) this.#givenUp.get(field)?.set(now, id)
      if (next !== undefined) {
        const takes = this.#takes.get(id) ?? []
        takes.push({ field, encoded: next, value: fieldValue(after, field) })
        this.#takes.set(id, takes)
      }
    }
  }

  /** Every record whose new unique values could not be written (see the class description). */
  failures(): RecordFailure[] {
    const failures: RecordFailure[] = []
    const failed = new Set<string>()
    for (const [id, takes] of this.#takes) {
      for (const take of takes) {
        const ids = this.#after.get(take.field)?.get(take.encoded) ?? []
        if (ids.length < 2) continue
        failed.add(id)
        const keeps = ids.filter((other) => !this.#takes.get(other)?.some((t) => t.field === take.field && t.encoded === take.encoded))
        const kept = keeps.length > 0 ? `; ${named(keeps)} already ${keeps.length > 1 ? 'hold' : 'holds'} it` : ''
        failures.push({
          id,
          code: 'model.unique',
          error: `${this.modelName} ${id}: ${take.field} = ${show(take.value)} would be held by ${ids.length} records afterwards (${named(ids)}${kept})`,
        })
      }
    }
    for (const failure of this.#cycles(failed)) failures.push(failure)
    return failures
  }

  /**
   * Records that wait, directly or through others, on a cycle of records taking each other's values
   * (left over after repeatedly removing the records that wait on no one).
   */
  #cycles(failed: ReadonlySet<string>): RecordFailure[] {
    const waitsOn = new Map<string, { take: Take; holder: string }[]>()
    const waiters = new Map<string, string[]>()
    for (const [id, takes] of this.#takes) {
      if (failed.has(id)) continue
      for (const take of takes) {
        const holder = this.#givenUp.get(take.field)?.get(take.encoded)
        if (holder === undefined || holder === id) continue
        waitsOn.set(id, [...(waitsOn.get(id) ?? []), { take, holder }])
        waiters.set(holder, [...(waiters.get(holder) ?? []), id])
      }
    }
    const left = new Map([...waitsOn].map(([id, edges]) => [id, edges.length]))
    const free = [...new Set([...waiters.keys()].filter((id) => !left.has(id)))]
    while (free.length > 0) {
      for (const waiter of waiters.get(free.pop() as string) ?? []) {
        const n = (left.get(waiter) as number) - 1
        if (n === 0) {
          left.delete(waiter)
          free.push(waiter)
        } else left.set(waiter, n)
      }
    }
    const stuck = [...left.keys()]
    return stuck.map((id) => {
      const edges = waitsOn.get(id) as { take: Take; holder: string }[] // every stuck record waits on someone
      const { take, holder } = edges.find((e) => left.has(e.holder)) ?? (edges[0] as { take: Take; holder: string })
      return {
        id,
        code: 'model.unique',
        error:
          `${this.modelName} ${id}: would take ${take.field} = ${show(take.value)} from ${holder}, which cannot give it up first: ` +
          `records ${named(stuck)} wait on each other's values in a cycle (a → b while b → a), which cannot be rewritten one record at a time`,
      }
    })
  }
}
