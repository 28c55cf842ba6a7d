import * as z from 'zod'
import { parseIsoDateTime } from '../model/compare-values.js'
import { type Model, SERVER_FIELDS } from '../model/define-model.js'
import { isUuid } from '../model/ids.js'
import { CorruptRecordError, type FieldIssue, ValidationError } from '../model/model-errors.js'
import { fromUtf8 } from '../store/bytes.js'
import { storedVersion, upgradeFields } from './record-upgrade.js'

/** Bookkeeping stored with each record under `_s3v` (stripped from what callers see). */
export interface RecordMeta {
  /** A tombstone: the record is being deleted (stores without conditional DELETE); read as missing. */
  deleted?: boolean
  /** Token of the write that produced this version: lets a writer recognise its own write after a lost answer. */
  w?: string
  /**
   * Each unique claim this record holds, by field: the claim's etag and the token of the write that
   * made it, so it is released with a conditional write and never mistaken for another write's claim.
   * (Records written before tokens existed keep only the etag, as a string.)
   */
  claims?: Record<string, ClaimRef | string>
  /**
   * Token in the keys of this record's index entries, by field (`{enc}/{id}.{token}`): the token of
   * the write that last changed the field. Entries of other versions carry other tokens, so removing
   * them can never remove an entry this version needs. Absent for a field: token-less legacy keys.
   */
  ix?: Record<string, string>
  /**
   * Claims the write of this version gave up, by field: the token of the write that had made each.
   * Those writes landed and were replaced, so the next write of this record may take such a claim
   * over at once, even while the release is still under way.
   */
  rel?: Record<string, string>
  /**
   * The schema version of the model that wrote this version (`Model.version`), written only when
   * above 1; absent means 1. A record read by a model of a later version is upgraded first.
   */
  v?: number
  /**
   * Lineage: the write tokens of the versions before this one, oldest first (at most 7; a chain that
   * began with a create of an absent key starts with `''` until it is pushed out). Lets a writer whose
   * answer was lost tell whether its write landed even after others wrote on top (see `lineage.ts`).
   */
  h?: string[]
  /**
   * A delete in progress that must also apply relation rules (cascade, setNull): set on the record
   * (which readers then treat as deleted) before any dependent is touched, so the delete is committed
   * and is finished, never undone, by whoever meets it next. `at`: when it was marked (ISO).
   */
  cascade?: { w: string; at: string }
  /**
   * Data migrations applied to this record by the run `r` (a run interrupted and started again
   * skips what its stamp lists): see `@s3verless/migrations`. Carried over by every later write.
   */
  m?: { r: string; v: string[] }
  /**
   * An intent of the transaction with this id: the fields are still the committed value (a create's
   * intent is a placeholder read as missing) until `{base}_tx/{tx}.json` decides (see `intents.ts`).
   */
  tx?: string | undefined
  /**
   * Set on an intent that deletes the record: a delete marker ({@link KeyLayout.deleteMarkerKey})
   * stands beside it until the intent is rolled forward or cleared, so a LIST-only count knows to
   * read this record (see `list-records.ts`).
   */
  td?: true
}

/** How a record remembers a claim it holds: the claim's etag and the token of the write that made it. */
export interface ClaimRef {
  e: string
  w?: string
}

/** What a tombstone decodes to; callers check `meta.deleted` and treat it as missing. */
const TOMBSTONE_RECORD = Object.freeze({ id: '', createdAt: new Date(0), updatedAt: new Date(0) }) as RawRecord['record']

/**
 * The body of a tombstone: what a delete leaves where the store cannot delete conditionally (Ceph
 * RGW). It stays (deleting it unconditionally could erase a record created since), keeps the token of
 * the version it replaced as its lineage, and is smaller than any record can be
 * ({@link TOMBSTONE_MAX_BYTES}), so listings and `count()` tell it apart by size alone.
 */
export const tombstoneBody = (w: string, previous: string | undefined): string =>
  JSON.stringify({ _s3v: { deleted: true, w, ...(previous !== undefined ? { h: [previous] } : {}) } })

/**
 * Objects under a model's record prefix smaller than this are never records: a record holds at least
 * a UUID and two timestamps (over 110 bytes). Below it are tombstones (under
 * {@link PLACEHOLDER_MIN_BYTES}) and the placeholders of creates in transactions (from
 * {@link PLACEHOLDER_MIN_BYTES}), so listings tell all three apart by size.
 */
export const TOMBSTONE_MAX_BYTES = 100

/**
 * A create's intent (a placeholder read as missing until its transaction commits) is padded to at
 * least this size, above any tombstone (89 bytes at most: two 24-character write tokens): a LIST
 * shows which small objects a count must read (the rare placeholders) and which it may skip unread
 * (tombstones, which pile up where DELETE is not conditional).
 */
export const PLACEHOLDER_MIN_BYTES = 90

/** The body of a create's intent: missing to readers, padded to {@link PLACEHOLDER_MIN_BYTES} (JSON allows trailing spaces). */
export function placeholderBody(w: string, tx: string): string {
  const body = JSON.stringify({ _s3v: { deleted: true, w, tx } })
  return body.padEnd(PLACEHOLDER_MIN_BYTES + 6, ' ')
}

/** A record as read: the typed fields, the bookkeeping and the object's etag. */
export interface RawRecord {
  record: Record<string, unknown> & { id: string; createdAt: Date; updatedAt: Date }
  meta: RecordMeta
  etag: string
  /**
   * The record's fields as stored, before any lazy upgrade (dates revived, not validated): the
   * values its index entries and claims were written for. The same object as `record` when the
   * record is stored at the model's version.
   */
  stored: Record<string, unknown> & { id: string }
  /**
   * Set when the object carries an intent of this transaction, still in flight: the committed value
   * is shown, and `etag` is one no compare-and-swap can match (the record may not be written until
   * the transaction is decided).
   */
  pending?: string
}

const serverShape = {
  id: z.string().refine(isUuid, 'must be a UUID'),
  createdAt: z.date(),
  updatedAt: z.date(),
}
const recordSchemas = new WeakMap<Model, z.ZodType>()

function recordSchema(model: Model): z.ZodType {
  let schema = recordSchemas.get(model)
  if (!schema) {
    schema = model.schema.extend(serverShape)
    recordSchemas.set(model, schema)
  }
  return schema
}

/** Turns Zod issues into field issues with paths. */
export const toFieldIssues = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({
    path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: issue.message,
    code: issue.code,
  }))

const ISO_SHAPE = /^[+-]?\d{4,6}-\d/

/**
 * A date string as a Date, read the way queries and the matcher read it (`parseIsoDateTime`): an ISO
 * date-time without an offset is UTC, never the machine's time zone; an impossible ISO date is an
 * invalid Date (the schema then refuses it). Other strings keep the platform's reading.
 */
function toDate(text: string): Date {
  const time = parseIsoDateTime(text)
  if (time !== undefined) return new Date(time)
  return ISO_SHAPE.test(text) ? new Date(Number.NaN) : new Date(text)
}

/** ISO strings (as JSON stores dates) back into Dates for the model's date fields. */
export function reviveDates(model: Model, data: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data }
  for (const [field, info] of Object.entries(model.fields)) {
    const value = out[field]
    if (info.kind === 'date' && typeof value === 'string') out[field] = toDate(value)
  }
  for (const field of ['createdAt', 'updatedAt']) {
    if (typeof out[field] === 'string') out[field] = toDate(out[field] as string)
  }
  return out
}

/** The server fields and bookkeeping a caller can never set through a patch or replace. */
const SERVER_SET = [...SERVER_FIELDS, '_s3v', '$etag', 'created_at', 'updated_at']

const sameValue = (a: unknown, b: unknown): boolean => {
  const time = (v: unknown) => (v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number.NaN)
  if (a instanceof Date || b instanceof Date) return time(a) === time(b)
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase()
}

/** @throws ValidationError unless `input` is a plain object. */
export function checkInputObject(model: Model, input: unknown): asserts input is Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(model.name, [
      { path: [], message: `expected an object, got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}` },
    ])
  }
}

/**
 * Refuses server-set fields in a patch or replace (`id`, `createdAt`, `updatedAt`, `_s3v`, `$etag`),
 * and in a create all of them but a caller-chosen `id`; given the `current` record, a field that
 * repeats its current value is let through. @throws ValidationError naming each one.
 */
export function refuseServerFields(model: Model, input: unknown, allowId: boolean, current?: Record<string, unknown>): void {
  checkInputObject(model, input)
  // A patch may repeat a server field's current value (a spread record, say): that changes nothing.
  const same = (k: string) => current !== undefined && k in current && sameValue(input[k], current[k])
  const found = SERVER_SET.filter((k) => Object.hasOwn(input, k) && !(allowId && k === 'id') && !same(k))
  if (found.length > 0) {
    throw new ValidationError(
      model.name,
      found.map((k) => ({ path: [k], message: `"${k}" is set by the server and cannot be written`, code: 'server_field' })),
    )
  }
}

/**
 * Validates create/update input against the model's schema (dates may come as ISO strings).
 * @throws ValidationError listing every field's problem.
 */
export function validateInput(model: Model, input: unknown): Record<string, unknown> {
  checkInputObject(model, input)
  if (model.unknownFields !== 'strip') {
    const unknown = Object.keys(input).filter((k) => !(k in model.fields))
    if (unknown.length > 0) {
      throw new ValidationError(
        model.name,
        unknown.map((k) => ({ path: [k], message: `unexpected field "${k}": ${model.name} has no such field`, code: 'unrecognized_keys' })),
      )
    }
  }
  const result = model.schema.safeParse(reviveDates(model, input as Record<string, unknown>))
  if (!result.success) throw new ValidationError(model.name, toFieldIssues(result.error))
  return result.data as Record<string, unknown>
}

/**
 * Validates a create's input: server fields refused (a caller-chosen `id` aside), then the schema.
 * @throws ValidationError
 */
export function validateCreateInput(model: Model, input: unknown): Record<string, unknown> {
  refuseServerFields(model, input, true)
  const { id: _id, ...fields } = input as Record<string, unknown>
  return validateInput(model, fields)
}

/** The JSON body of a record: its fields (dates as ISO strings) and the `_s3v` bookkeeping. */
export function encodeRecord(record: Record<string, unknown>, meta: RecordMeta): string {
  return JSON.stringify({ ...record, _s3v: meta })
}

/**
 * Parses a stored record. Accepts the Python original's `created_at`/`updated_at` names. A record
 * stored at an older schema version than the model's is first run through the model's upgrade
 * steps (`meta.v` still says the version it was stored at).
 * @throws CorruptRecordError naming the key when the object is not valid JSON or no longer fits the schema.
 */
export function decodeRecord(model: Model, key: string, body: Uint8Array, etag: string): RawRecord {
  let parsed: unknown
  try {
    parsed = JSON.parse(fromUtf8(body))
  } catch (cause) {
    throw new CorruptRecordError(model.name, key, 'not valid UTF-8 JSON', { cause })
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CorruptRecordError(model.name, key, 'not a JSON object')
  }
  const { _s3v, created_at, updated_at, ...fields } = parsed as Record<string, unknown>
  const deleted = (_s3v as RecordMeta | undefined)?.deleted === true
  if (deleted && (_s3v as RecordMeta).cascade === undefined) {
    return { record: TOMBSTONE_RECORD, meta: _s3v as RecordMeta, etag, stored: TOMBSTONE_RECORD }
  }
  if (fields.createdAt === undefined && created_at !== undefined) fields.createdAt = created_at
  if (fields.updatedAt === undefined && updated_at !== undefined) fields.updatedAt = updated_at
  const from = storedVersion(_s3v as RecordMeta | undefined)
  const current = upgradeFields(model, key, fields, from)
  const result = recordSchema(model).safeParse(reviveDates(model, current))
  if (!result.success) {
    const issues = toFieldIssues(result.error)
    const summary = issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`)
      .join('; ')
    throw new CorruptRecordError(model.name, key, `does not match the schema (${summary})`, { details: { issues } })
  }
  const meta = typeof _s3v === 'object' && _s3v !== null ? (_s3v as RecordMeta) : {}
  const record = result.data as RawRecord['record']
  const stored = current === fields ? record : ({ ...reviveDates(model, fields), id: record.id } as RawRecord['stored'])
  return { record, meta, etag, stored }
}

/** Attaches the etag to a record as a non-enumerable `$etag` (JSON and spreads leave it out). */
export function withEtag<T extends object>(record: T, etag: string): T & { readonly $etag: string } {
  Object.defineProperty(record, '$etag', { value: etag, enumerable: false, configurable: true })
  return record as T & { readonly $etag: string }
}
