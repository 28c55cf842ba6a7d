import { fromUtf8 } from '../store/bytes.js'
import type { StoredObject } from '../store/types.js'
import type { RecordMeta } from './record-codec.js'

/**
 * Lineage: every version of a record object (a record, a tombstone, a delete in progress) keeps the
 * write tokens of the versions before it (`_s3v.h`, oldest first, at most {@link LINEAGE_DEPTH}).
 * When a write's answer is lost and the object has changed again before the writer can look, the
 * lineage tells what happened: this write's token in it means the write landed and was built upon;
 * the token of the version the write replaced, followed by another token, means another write won
 * the compare-and-swap and this one can never land. Anything else is an unknown outcome.
 */

/** How many earlier write tokens a record version keeps. */
export const LINEAGE_DEPTH = 7

/**
 * The first lineage entry of a version chain that began with a create of an absent key. While it is
 * still in the lineage (fewer than {@link LINEAGE_DEPTH} writes since), the lineage is complete.
 */
export const ORIGIN = ''

/** The lineage of a version that replaces `previous` (`undefined`: a create where nothing was stored). */
export function lineageAfter(previous: RecordMeta | undefined): string[] {
  if (previous === undefined) return [ORIGIN]
  const before = Array.isArray(previous.h) ? previous.h.filter((t) => typeof t === 'string') : []
  return previous.w === undefined ? [] : [...before, previous.w].slice(-LINEAGE_DEPTH)
}

/** The bookkeeping of a stored record object, if it has any. */
export function metaOf(object: StoredObject): RecordMeta | undefined {
  try {
    const meta = (JSON.parse(fromUtf8(object.body)) as { _s3v?: RecordMeta })._s3v
    return typeof meta === 'object' && meta !== null ? meta : undefined
  } catch {
    return undefined
  }
}

/** What a write's condition named: an absent key, or one version of the object. */
export type NamedVersion =
  | { absent: true /** The id was made by this write (no other client can create it unless it saw ours). */; serverMadeId: boolean }
  | { absent?: false; etag: string /** That version's write token (absent for versions written before tokens). */; token?: string }

/**
 * What became of a write whose answer was lost:
 * - `landed`: it is stored (`etag` when it is still the current version; `undefined` once replaced);
 * - `lost`: another write won its condition, so it can never land;
 * - `notYet`: the version it named is still there (it did not land, but a request still on its way may);
 * - `unknown`: it cannot be told.
 */
export type Verdict = { landed: true; etag: string | undefined } | { landed: false; why: 'lost' | 'notYet' | 'unknown' }

const verdict = (why: 'lost' | 'notYet' | 'unknown'): Verdict => ({ landed: false, why })

/**
 * Judges a write with token `w` made under the condition `named`, from the object read after its
 * answer was lost (`now`; `null` when the key is empty). `keysPersist`: the store never empties a
 * record key once written (tombstones stay where DELETE cannot be conditional), so a complete
 * lineage that lacks `w` proves a create never landed.
 */
export function judgeWrite(now: StoredObject | null, w: string, named: NamedVersion, keysPersist: boolean): Verdict {
  const meta = now ? metaOf(now) : undefined
  if (now && meta?.w === w) return { landed: true, etag: now.etag }
  const h = Array.isArray(meta?.h) ? meta.h : []
  const chain = meta?.w !== undefined ? [...h, meta.w] : h
  if (chain.includes(w)) return { landed: true, etag: undefined }
  if (named.absent) {
    if (now === null) return verdict('unknown') // on its way, or it landed and was deleted since
    if (named.serverMadeId) return { landed: true, etag: undefined } // only a client that saw ours can write this id
    return keysPersist && h[0] === ORIGIN ? verdict('lost') : verdict('unknown')
  }
  if (now === null) return verdict('unknown')
  if (now.etag === named.etag) return verdict('notYet')
  if (named.token !== undefined) {
    const at = chain.lastIndexOf(named.token)
    if (at >= 0 && at < chain.length - 1) return verdict('lost') // another write replaced the version we named
  }
  return verdict('unknown')
}
