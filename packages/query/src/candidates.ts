import { compareUtf8, encodeStringPrefix, encodeValue, encodeValueDescending, type IndexValue, isTruncated } from '@s3verless/core'
import { claimHolder, type IndexHit, listIndex, type RepoCore } from '@s3verless/core/internal'
import type { AccessPath } from './plan-types.js'

/** A candidate record found by an access path, with the listing key to resume after it. */
export interface CandidateHit {
  id: string
  /** Listing position (an index or record key); resuming after it continues the path. */
  position: string
  /** The index entry behind the candidate, to verify against the record (absent for ids/records). */
  entry?: IndexHit & { descending: boolean; field: string }
}

const later = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : compareUtf8(a, b) >= 0 ? a : b)
const descEncode = (v: IndexValue) => encodeValueDescending(v as number | Date | boolean | null)

/**
 * Streams the candidates of an access path in path order, listing lazily (one LIST per 1000 keys,
 * only as far as the consumer reads). `after` resumes after a position handed out earlier.
 */
export async function* candidates(core: RepoCore, path: AccessPath, after?: string): AsyncGenerator<CandidateHit> {
  const { layout } = core
  switch (path.kind) {
    case 'ids':
      for (const id of path.ids) yield { id, position: layout.recordKey(id) }
      return
    case 'unique': {
      const id = await claimHolder(core.claims, path.field, path.value)
      if (id) yield { id, position: layout.recordKey(id) }
      return
    }
    case 'records': {
      let cursor: string | undefined
      do {
        const page = await core.store.list(layout.recordPrefix, cursor ? { cursor } : after ? { startAfter: after } : {})
        for (const object of page.objects) {
          const id = layout.idOf(object.key)
          if (id !== undefined) yield { id, position: object.key }
        }
        cursor = page.cursor
      } while (cursor)
      return
    }
    case 'indexEq': {
      const encoded = [...new Set(path.values.map((v) => encodeValue(v)))].sort(compareUtf8)
      for (const enc of encoded) {
        const prefix = layout.indexValuePrefix(path.field, enc)
        if (after !== undefined && compareUtf8(after, `${prefix}\u{10FFFF}`) > 0) continue
        const startAfter = after?.startsWith(prefix) ? after : undefined
        for await (const hit of listIndex(core, path.field, prefix, startAfter ? { startAfter } : {})) {
          yield { id: hit.id, position: hit.key, entry: { ...hit, descending: false, field: path.field } }
        }
      }
      return
    }
    case 'indexPrefix': {
      const prefix = layout.indexFieldPrefix(path.field) + encodeStringPrefix(path.prefix)
      for await (const hit of listIndex(core, path.field, prefix, after ? { startAfter: after } : {})) {
        yield { id: hit.id, position: hit.key, entry: { ...hit, descending: false, field: path.field } }
      }
      return
    }
    case 'indexRange':
      yield* rangeCandidates(core, path, after)
  }
}

async function* rangeCandidates(
  core: RepoCore,
  path: Extract<AccessPath, { kind: 'indexRange' }>,
  after: string | undefined,
): AsyncGenerator<CandidateHit> {
  const { layout } = core
  const fieldPrefix = layout.indexFieldPrefix(path.field, path.descending)
  const ranged = path.lower !== undefined || path.upper !== undefined
  const encode = path.descending ? descEncode : encodeValue
  // In listing order the range starts at `first` and stops at `last` (swapped for a descending index).
  const first = path.descending ? path.upper : path.lower
  const last = path.descending ? path.lower : path.upper
  let start: string | undefined
  if (first && !isTruncated(encode(first.value))) start = fieldPrefix + encode(first.value) + (first.inclusive ? '' : '0')
  else if (ranged && !path.descending) start = `${fieldPrefix + encodeValue(null)}0` // ranges never match null: skip its entries
  const stopAt = last && !isTruncated(encode(last.value)) ? encode(last.value) : undefined
  const nullEncoded = path.descending ? descEncode(null) : undefined
  for await (const hit of listIndex(core, path.field, fieldPrefix, {
    descending: path.descending,
    ...(later(start, after) ? { startAfter: later(start, after) as string } : {}),
  })) {
    if (stopAt !== undefined) {
      const order = compareUtf8(hit.encoded, stopAt)
      if (order > 0 || (order === 0 && !last?.inclusive)) return
    }
    if (ranged && nullEncoded !== undefined && hit.encoded === nullEncoded) return
    yield { id: hit.id, position: hit.key, entry: { ...hit, descending: path.descending, field: path.field } }
  }
}
