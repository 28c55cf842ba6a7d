import type { Model } from '../model/define-model.js'

/**
 * Where a model's objects live in the bucket (DESIGN.md §4):
 * - `{base}{plural}/{id}.json`                          the record
 * - `{base}{plural}/{id}.json.tx.{txid}`                a transaction's delete marker (empty body)
 * - `{base}_unique/{plural}/{field}/{enc(value)}`       unique claim, body `{"id": …}`
 * - `{base}_index/{plural}/{field}/{enc(value)}/{id}.{token}`   index entry (empty body)
 * - `{base}_index_desc/{plural}/{field}/{enc↓(value)}/{id}.{token}`  descending index entry
 *
 * The `.{token}` of an entry names the write that made it (see `RecordMeta.ix`); entries written
 * before tokens existed (and by `reindex` for records without tokens) have none.
 */
/** Between a record's key and the transaction id in a delete marker's key. */
const MARKER_INFIX = '.tx.'

export class KeyLayout {
  readonly recordPrefix: string
  readonly uniqueRoot: string
  readonly indexRoot: string
  readonly descIndexRoot: string

  constructor(
    readonly model: Model,
    readonly basePath: string,
  ) {
    this.recordPrefix = `${basePath}${model.plural}/`
    this.uniqueRoot = `${basePath}_unique/${model.plural}/`
    this.indexRoot = `${basePath}_index/${model.plural}/`
    this.descIndexRoot = `${basePath}_index_desc/${model.plural}/`
  }

  recordKey(id: string): string {
    return `${this.recordPrefix}${id}.json`
  }

  /** The id in a record key, or `undefined` for a key that is not a record of this model. */
  idOf(key: string): string | undefined {
    if (!key.startsWith(this.recordPrefix) || !key.endsWith('.json')) return undefined
    const id = key.slice(this.recordPrefix.length, -'.json'.length)
    return id.includes('/') ? undefined : id
  }

  /**
   * The marker a transaction deleting record `id` leaves beside it until the delete is rolled forward
   * or cleared: it lists right after the record, so a LIST-only count sees which records to read.
   */
  deleteMarkerKey(id: string, tx: string): string {
    return `${this.recordKey(id)}${MARKER_INFIX}${tx}`
  }

  /** The record id and transaction a delete marker's key names, or `undefined` for another key. */
  parseDeleteMarker(key: string): { id: string; tx: string } | undefined {
    if (!key.startsWith(this.recordPrefix)) return undefined
    const at = key.lastIndexOf(MARKER_INFIX)
    if (at < 0) return undefined
    const id = this.idOf(key.slice(0, at))
    const tx = key.slice(at + MARKER_INFIX.length)
    return id !== undefined && tx.length > 0 && !tx.includes('/') ? { id, tx } : undefined
  }

  claimKey(field: string, encoded: string): string {
    return `${this.uniqueRoot}${field}/${encoded}`
  }

  indexFieldPrefix(field: string, descending = false): string {
    return `${descending ? this.descIndexRoot : this.indexRoot}${field}/`
  }

  indexValuePrefix(field: string, encoded: string, descending = false): string {
    return `${this.indexFieldPrefix(field, descending)}${encoded}/`
  }

  /**
   * An index entry's key. In a descending index the id is stored inverted (each hex digit d → f−d), so
   * records with equal values also list newest first: the exact reverse of the ascending index.
   * `token` (the writing write's, see `RecordMeta.ix`) makes the key unique to one version of the record.
   */
  indexKey(field: string, encoded: string, id: string, descending = false, token?: string): string {
    const name = descending ? invertId(id) : id
    return `${this.indexValuePrefix(field, encoded, descending)}${token ? `${name}.${token}` : name}`
  }

  /** Splits an index key under `field` into its encoded value, record id and write token (if any). */
  parseIndexKey(field: string, key: string, descending = false): { encoded: string; id: string; token?: string } | undefined {
    const prefix = this.indexFieldPrefix(field, descending)
    if (!key.startsWith(prefix)) return undefined
    const rest = key.slice(prefix.length)
    const slash = rest.lastIndexOf('/')
    if (slash <= 0) return undefined
    const name = rest.slice(slash + 1)
    const dot = name.indexOf('.')
    const stored = dot < 0 ? name : name.slice(0, dot)
    const id = descending ? invertId(stored) : stored
    const encoded = rest.slice(0, slash)
    return dot < 0 ? { encoded, id } : { encoded, id, token: name.slice(dot + 1) }
  }
}

/** Inverts the hex digits of an id (its own inverse), keeping other characters. */
export function invertId(id: string): string {
  let out = ''
  for (const c of id) {
    const d = Number.parseInt(c, 16)
    out += Number.isNaN(d) ? c : (15 - d).toString(16)
  }
  return out
}
