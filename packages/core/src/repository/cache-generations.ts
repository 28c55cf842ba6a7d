import { uuidv7 } from '../model/ids.js'

/**
 * The part of the record-cache port that stores guard tokens (see {@link Generations}). A backend
 * that offers both methods keeps databases that share it coherent with each other's writes;
 * without them, a database's cache is kept coherent with its own writes only.
 */
export interface GenerationPort {
  /**
   * The guard token `name` of `model` (a plural), or `undefined` when there is none. `name` is a
   * non-empty string core chooses (`{id}.begun`, `{id}.ended`, `queries`).
   */
  getGeneration?(model: string, name: string): Promise<string | undefined>
  /** Replaces a guard token. Any time to live is safe: a token that vanished only invalidates entries. */
  setGeneration?(model: string, name: string, token: string, ttlSeconds?: number): Promise<void>
}

/** Seconds a guard token is kept (longer than entries usually live; a vanished token only costs a refill). */
const GENERATION_TTL_SECONDS = 3600

/** The backend keeps no tokens: entries are then checked against this database's own writes only. */
export const UNGUARDED = Symbol('unguarded')

/** The tokens an entry is checked against: a guard text, {@link UNGUARDED}, or `null` when they could not be read. */
export type Guard = string | typeof UNGUARDED | null

/** A write's announcement: its `begun` token, and whether that token was stored. */
export interface Announcement {
  readonly token: string
  readonly landed: Promise<boolean>
}

let nonce: string | undefined
let issued = 0
/** A token no other writer, process or earlier run can produce. */
const freshToken = (): string => {
  nonce ??= uuidv7()
  return `${nonce}.${(++issued).toString(36)}`
}

const QUERIES = 'queries'
const recordNames = (id: string) => [`${id}.begun`, `${id}.ended`] as const

/**
 * Guard tokens kept in the cache backend itself, where every database sharing the backend sees
 * them. Per record: `begun`, renewed when a write of the record begins (before its store write),
 * and `ended`, renewed when one ends (before it refreshes the entry); per model: `queries`, renewed
 * when a write of the model ended (after its cleanup, before its cached results are dropped). Every
 * token is new, so a renewed token never looks unchanged.
 *
 * Every entry is stored with the tokens current when its content was read from the store — a fill
 * reads them *before* its store read; a write's refresh uses its own `begun` and `ended` — and an
 * entry is served unasked only while its tokens are still current. Why that never serves what a
 * completed write replaced: the write renewed `begun` before its store write and `ended` after it.
 * An entry made from an older version got its tokens before that version was replaced (a fill read
 * them before reading the store; an older write renewed its own before this one began), so at least
 * one of them was renewed since. Another write overlapping a write's refresh renews `begun` or
 * `ended` after the refresh's tokens, so the refreshed entry is not served either. Fills and
 * refreshes are never blind to each other: no token is read and then written back. A token that
 * vanished (eviction, expiry) or a backend failure only makes entries unusable, never usable.
 *
 * Assumes the backend is linearizable per key (each operation takes effect at one moment between
 * its call and its answer), and that `announce`, issued synchronously just before the store write,
 * takes effect before another process can read what that write stores: exact for in-process
 * backends, whose operations take effect when called.
 */
export class Generations {
  constructor(
    readonly port: GenerationPort,
    readonly model: string,
    /** Called for every backend failure (counted as a cache error). */
    readonly onError: () => void,
  ) {}

  get enabled(): boolean {
    return typeof this.port.getGeneration === 'function' && typeof this.port.setGeneration === 'function'
  }

  /** The current guard of record `id`, made when missing (call before reading the store for a fill). */
  recordGuard(id: string): Promise<Guard> {
    return this.#guard(recordNames(id))
  }

  /** The current guard of the model's cached query results, made when missing (call before computing one). */
  queryGuard(): Promise<Guard> {
    return this.#guard([QUERIES])
  }

  /** Announces a write of record `id`: its new `begun` token is sent at once, before the caller's store write. */
  announce(id: string): Announcement {
    if (!this.enabled) return { token: '', landed: Promise.resolve(true) }
    const token = freshToken()
    return { token, landed: this.#write(recordNames(id)[0], token) }
  }

  /** Ends a write of `id` (renews `ended`): the guard to store its entry with, `null` when a renewal failed. */
  async settle(id: string, announcement: Announcement): Promise<Guard> {
    if (!this.enabled) return UNGUARDED
    const token = freshToken()
    const [announced, renewed] = await Promise.all([announcement.landed, this.#write(recordNames(id)[1], token)])
    return announced && renewed ? `${announcement.token}|${token}` : null
  }

  /** Renews the `queries` token (after a write of the model); false when that failed. */
  async bump(): Promise<boolean> {
    return !this.enabled || this.#write(QUERIES, freshToken())
  }

  /** The tokens of `names` joined, each made when missing; `null` when the backend failed. */
  async #guard(names: readonly string[]): Promise<Guard> {
    if (!this.enabled) return UNGUARDED
    const tokens = await Promise.all(
      names.map(async (name) => {
        const current = await this.#read(name)
        if (current !== undefined) return current
        const token = freshToken()
        return (await this.#write(name, token)) ? token : null
      }),
    )
    return tokens.every((t): t is string => typeof t === 'string') ? tokens.join('|') : null
  }

  /** The token, `undefined` when none, `null` when the backend failed. */
  async #read(name: string): Promise<string | undefined | null> {
    try {
      const value = await this.port.getGeneration?.(this.model, name)
      return typeof value === 'string' ? value : undefined
    } catch {
      this.onError()
      return null
    }
  }

  /** Stores a token (the backend is called synchronously); true when it is known to be stored. */
  async #write(name: string, token: string): Promise<boolean> {
    try {
      await this.port.setGeneration?.(this.model, name, token, GENERATION_TTL_SECONDS)
      return true
    } catch {
      this.onError()
      // The write may have failed on one tier only: what counts is what a read now returns.
      return (await this.#read(name)) === token
    }
  }
}

/** Whether an entry stored with `stored` may be served when the current guard is `current`. */
export const guardAdmits = (stored: unknown, current: Guard): boolean => current === UNGUARDED || (current !== null && stored === current)
