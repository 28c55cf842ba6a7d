import { isS3verlessError } from '../errors.js'
import { ConflictError } from '../model/model-errors.js'
import { fromUtf8 } from '../store/bytes.js'
import type { StoredObject } from '../store/types.js'
import { writeToken } from './concurrency.js'
import { lineageAfter } from './lineage.js'
import { decodeRecord, encodeRecord, type RawRecord, type RecordMeta, tombstoneBody } from './record-codec.js'
import type { RepoCore } from './repo-core.js'

/**
 * Reader-side half of transactions (README "Transactions"). A record object that carries `_s3v.tx`
 * is an intent of transaction `tx`: its fields are still the committed value (a create's intent is a
 * small placeholder read as missing), and the transaction record `{base}_tx/{tx}.json` decides its
 * fate: `committed` (with the body every record rolls forward to) or `aborted`; absent, the
 * transaction is in flight while the intent is younger than the lease, and abandoned after that.
 */

/** What a transaction record holds: its state and, once committed, the body each record key rolls forward to. */
export interface TxRecord {
  s: 'committed' | 'aborted'
  r?: Record<string, string>
}

/** The key of transaction `tx`'s record. */
export const txKey = (basePath: string, tx: string) => `${basePath}_tx/${tx}.json`

/** Reads a transaction record (1 GET); `null` while no one has decided its fate. */
export async function readTx(core: RepoCore, tx: string): Promise<TxRecord | null> {
  const object = await core.store.get(txKey(core.settings.basePath, tx))
  return object ? (JSON.parse(fromUtf8(object.body)) as TxRecord) : null
}

/**
 * Decides transaction `tx`'s fate as `state` unless someone did first (a create-if-absent PUT), and
 * returns the fate that holds: whoever creates the record first decides, once and for all.
 */
export async function decideTx(core: RepoCore, tx: string, state: TxRecord): Promise<TxRecord> {
  try {
    await core.store.put(txKey(core.settings.basePath, tx), JSON.stringify(state), { ifNoneMatch: '*', contentType: 'application/json' })
    return state
  } catch (error) {
    const now = await readTx(core, tx)
    if (now) return now // decided by someone else (or by this very request, when its answer was lost)
    throw error
  }
}

/** The body of an intent's record object once its transaction is aborted: the committed value without the intent. */
function clearedBody(raw: RawRecord): string {
  const { tx: _tx, ...meta } = raw.meta
  const w = writeToken()
  const next: RecordMeta = { ...meta, w, h: lineageAfter(raw.meta) }
  return raw.meta.deleted ? tombstoneBody(w, raw.meta.w) : encodeRecord(raw.stored, next)
}

/**
 * What record object `object` (decoded as `raw`, carrying an intent) stands for now, paying one GET
 * of its transaction record: a committed transaction's value (rolled forward here with
 * compare-and-swap, so the next reader pays nothing), the committed value once the transaction is
 * aborted (the intent cleared the same way), or, while the transaction is in flight, the committed
 * value marked `pending` with an etag no write can match. An intent older than the lease whose
 * transaction nobody decided is decided `aborted` here first. A raced roll-forward re-reads.
 * `null` when the key is absent now (an aborted create's placeholder deleted, here or by another).
 */
export async function resolveIntent(core: RepoCore, object: StoredObject, raw: RawRecord, depth = 0): Promise<RawRecord | null> {
  const tx = raw.meta.tx as string
  let fate = await readTx(core, tx)
  if (!fate) {
    const age = object.serverTime.getTime() - object.lastModified.getTime()
    if (age < core.settings.leaseMs) return { ...raw, etag: `${raw.etag}.pending`, pending: tx }
    fate = await decideTx(core, tx, { s: 'aborted' })
  }
  const body = fate.s === 'committed' ? fate.r?.[object.key] : clearedBody(raw)
  if (body === undefined) return { ...raw, meta: { ...raw.meta, tx: undefined } } // a committed transaction that did not name it: stale marker
  try {
    if (fate.s !== 'committed' && raw.meta.deleted && core.store.capabilities.conditionalDelete) {
      // An aborted create's placeholder goes where DELETE is conditional (elsewhere a tombstone stays, as for deletes).
      await core.store.delete(object.key, { ifMatch: object.etag })
      return null // gone: the key is absent again (a create names no version)
    }
    const { etag } = await core.store.put(object.key, body, { ifMatch: object.etag, contentType: 'application/json' })
    if (raw.meta.td) await removeDeleteMarker(core, object.key, tx)
    return decodeRecord(core.model, object.key, new TextEncoder().encode(body), etag)
  } catch (error) {
    // Someone else rolled it forward or cleared it first (or this answer was lost): read it again.
    const raced = isS3verlessError(error, 'store.preconditionFailed') || isS3verlessError(error, 'store.conflict')
    if (!raced) throw error
    if (depth >= 2) {
      const id = raw.record.id || object.key
      throw new ConflictError(core.model.name, id, {
        cause: error,
        message: `${core.model.name} ${id} is being changed by transaction ${tx}; try again`,
      })
    }
    const again = await core.store.get(object.key)
    if (!again) return null
    const decoded = decodeRecord(core.model, object.key, again.body, again.etag)
    return decoded.meta.tx === undefined ? decoded : resolveIntent(core, again, decoded, depth + 1)
  }
}

/** Removes the delete marker of transaction `tx` beside record key `key`, once its intent is gone (best effort). */
async function removeDeleteMarker(core: RepoCore, key: string, tx: string): Promise<void> {
  const id = core.layout.idOf(key)
  if (id !== undefined) await core.store.delete(core.layout.deleteMarkerKey(id, tx)).catch(() => undefined)
}

/**
 * Reads record `marker.id` for a listing that met a delete marker beside it, and removes the marker
 * once it has done its work: when its transaction is decided and the record no longer carries that
 * transaction's intent. The fate is learnt before the record is read, so an intent that lands later
 * belongs to a transaction already decided (a marker older than the lease whose transaction nobody
 * decided is decided `aborted` here; a younger one stays, as its intent may still be on its way).
 * 1 GET of the transaction record and 1 of the record, +1 PUT to decide, +1 DELETE.
 */
export async function readBesideMarker(core: RepoCore, marker: { id: string; tx: string; ageMs: number }): Promise<RawRecord | null> {
  let fate = await readTx(core, marker.tx)
  if (!fate && marker.ageMs >= core.settings.leaseMs) fate = await decideTx(core, marker.tx, { s: 'aborted' })
  const key = core.layout.recordKey(marker.id)
  const object = await core.store.get(key)
  const raw = object && decodeRecord(core.model, key, object.body, object.etag)
  // Its own intent, once resolved, takes the marker with it (see resolveIntent); otherwise it goes here.
  if (raw?.meta.tx === marker.tx) return resolveIntent(core, object as StoredObject, raw)
  if (fate) await removeDeleteMarker(core, key, marker.tx)
  return raw?.meta.tx ? resolveIntent(core, object as StoredObject, raw) : raw
}
