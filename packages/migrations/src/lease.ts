import {
  fromUtf8,
  isS3verlessError,
  type ObjectStore,
  S3verlessError,
  SettingsError,
  type StoredObject,
  timeResolutionOf,
} from '@s3verless/core'
import { randomToken } from './random-token.js'

/** Default lease time: a runner that stops renewing (a crash) loses the lease this long after its last renewal. */
export const DEFAULT_LEASE_TTL_MS = 60_000

/**
 * The shortest lease time a store allows: twice its clock resolution (`timeResolutionOf(store)`;
 * 2,000 ms on S3, whose `Last-Modified` and `Date` are to the second), since a lease is judged
 * expired by its age in the store's own time readings.
 */
export const minimumLeaseTtl = (store: ObjectStore): number => 2 * timeResolutionOf(store)

/**
 * Refuses a lease time the store's clock cannot judge.
 * @throws SettingsError (`settings.invalid`, `details.minimum`) naming the minimum.
 */
export function checkLeaseTtl(store: ObjectStore, ttlMs: unknown): number {
  const floor = minimumLeaseTtl(store)
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < floor) {
    throw new SettingsError(
      `leaseTtlMs must be at least ${floor} ms on the ${store.name} store (it reports times to ${timeResolutionOf(store)} ms, and a lease is judged expired by its age in those times), got ${String(ttlMs)}`,
      { details: { variables: ['leaseTtlMs'], minimum: floor } },
    )
  }
  return ttlMs
}

/** What a lease object says about its holder. */
export interface LeaseInfo {
  /** Who holds it (the runner's `holder` option: host and process by default). */
  holder: string
  /** When it was taken and last renewed (the holder's clock, for people to read). */
  acquiredAt: string
  renewedAt: string
  /** The holder's lease time: the lease expires this long after its last renewal, by the store's clock. */
  ttlMs: number
}

interface LeaseBody extends LeaseInfo {
  /** Tells this holder's writes from every other's. */
  token: string
  /** A released lease: anyone may take it at once. */
  released?: boolean
}

/** Options of {@link MigrationLease.acquire}. */
export interface LeaseOptions {
  store: ObjectStore
  key: string
  holder: string
  /** Default {@link DEFAULT_LEASE_TTL_MS}. */
  ttlMs?: number
  /** How long to wait for a lease someone else holds (default 0: fail at once with `migration.locked`). */
  waitMs?: number
  /** How often to look again while waiting (default 500 ms, never longer than the holder's lease time left). */
  pollMs?: number
}

const lostRace = (error: unknown) => isS3verlessError(error, 'store.preconditionFailed') || isS3verlessError(error, 'store.conflict')
const unsure = (error: unknown) => isS3verlessError(error, 'store.conflict') || isS3verlessError(error, 'store.unavailable')
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function parse(object: StoredObject): LeaseBody | undefined {
  try {
    const body = JSON.parse(fromUtf8(object.body)) as Partial<LeaseBody>
    return typeof body.token === 'string' && typeof body.ttlMs === 'number' ? (body as LeaseBody) : undefined
  } catch {
    return undefined
  }
}

/**
 * A lease on `{base}_locks/{name}` held through conditional writes, so that only one runner
 * migrates at a time. Taken with create-if-absent; a lease not renewed for its holder's lease time,
 * judged by the store's clock (`LastModified` against the answer's `Date`, so client clocks do not
 * matter), or released, is taken over with compare-and-swap. The holder renews it (compare-and-swap)
 * every third of its lease time while it works; a renewal that finds the lease changed means it was
 * taken over, and the holder must stop ({@link MigrationLease.check}, {@link MigrationLease.confirm}).
 * A holder whose renewals keep failing (the store unreachable) stops too, once a lease time has passed
 * since its last renewal was sent: by then another runner may have taken the lease over.
 * Released with compare-and-swap, so a release never frees a lease someone else has taken since.
 */
export class MigrationLease {
  #etag: string
  #lost = false
  /** When (this process's monotonic clock) the request of the last successful write of the lease was sent. */
  #renewedAt: number
  #renewing: Promise<void> = Promise.resolve()
  #timer: ReturnType<typeof setInterval> | undefined

  private constructor(
    private readonly options: LeaseOptions & { ttlMs: number },
    private readonly body: LeaseBody,
    etag: string,
    sentAt: number,
  ) {
    this.#etag = etag
    this.#renewedAt = sentAt
    this.#timer = setInterval(() => this.#renew().catch(() => undefined), Math.max(1, Math.floor(options.ttlMs / 3)))
    ;(this.#timer as { unref?: () => void }).unref?.()
  }

  /**
   * Takes the lease, waiting up to `waitMs` for a holder to release it or let it expire.
   * @throws S3verlessError `migration.locked` naming the holder (`details`: `holder`, `acquiredAt`,
   * `renewedAt`, `expiresInMs`) when it is still held after `waitMs`.
   * @throws SettingsError (`settings.invalid`) when `ttlMs` is below {@link minimumLeaseTtl}.
   */
  static async acquire(input: LeaseOptions): Promise<MigrationLease> {
    const options = { ...input, ttlMs: checkLeaseTtl(input.store, input.ttlMs ?? DEFAULT_LEASE_TTL_MS) }
    const { store, key } = options
    const floor = minimumLeaseTtl(store)
    const now = new Date().toISOString()
    const body: LeaseBody = { token: randomToken(), holder: options.holder, acquiredAt: now, renewedAt: now, ttlMs: options.ttlMs }
    const text = JSON.stringify(body)
    const deadline = Date.now() + (options.waitMs ?? 0)
    let sentAt = performance.now()
    for (;;) {
      try {
        sentAt = performance.now()
        const { etag } = await store.put(key, text, { ifNoneMatch: '*', contentType: 'application/json' })
        return new MigrationLease(options, body, etag, sentAt)
      } catch (error) {
        if (!lostRace(error) && !unsure(error)) throw error
      }
      const readAt = performance.now()
      const current = await store.get(key)
      if (!current) continue
      const info = parse(current)
      const age = current.serverTime.getTime() - current.lastModified.getTime()
      if (info?.token === body.token) {
        // One of our writes landed after all: the lease was written `age` before the read (give or take the clock's resolution).
        return new MigrationLease(options, body, current.etag, readAt - age - timeResolutionOf(store))
      }
      // (A lease written with a time below what the store's clock can judge counts as that minimum.)
      const ttl = Math.max(info?.ttlMs ?? options.ttlMs, floor)
      if (!info || info.released || age >= ttl) {
        try {
          sentAt = performance.now()
          const { etag } = await store.put(key, text, { ifMatch: current.etag, contentType: 'application/json' })
          return new MigrationLease(options, body, etag, sentAt)
        } catch (error) {
          if (!lostRace(error) && !unsure(error)) throw error
          continue // someone else took it (or renewed it) first: look again
        }
      }
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new S3verlessError(
          'migration.locked',
          `Migrations are locked by ${info.holder} (since ${info.acquiredAt}; the lease expires in ${Math.ceil((ttl - age) / 1000)} s unless renewed)`,
          { details: { holder: info.holder, acquiredAt: info.acquiredAt, renewedAt: info.renewedAt, expiresInMs: ttl - age } },
        )
      }
      await sleep(Math.max(10, Math.min(options.pollMs ?? 500, left, ttl - age)))
    }
  }

  /** Who holds this lease. */
  get info(): LeaseInfo {
    const { token: _, ...info } = this.body
    return info
  }

  /** Whether a renewal found the lease taken over. */
  get lost(): boolean {
    return this.#lost
  }

  /**
   * @throws S3verlessError `migration.locked` when the lease was lost (taken over after this holder
   * failed to renew it in time), or may have been: no renewal succeeded for a whole lease time.
   */
  check(): void {
    if (this.#lost) {
      throw new S3verlessError(
        'migration.locked',
        `The migration lease ${this.options.key} was taken over by another runner; this runner stopped`,
        { details: { lost: true, holder: this.body.holder } },
      )
    }
    const since = performance.now() - this.#renewedAt
    if (since >= this.options.ttlMs) {
      throw new S3verlessError(
        'migration.locked',
        `The migration lease ${this.options.key} could not be renewed for ${Math.round(since)} ms (its lease time is ${this.options.ttlMs} ms), so another runner may have taken it over; this runner stopped`,
        { details: { lost: false, holder: this.body.holder, sinceRenewalMs: Math.round(since) } },
      )
    }
  }

  /**
   * Renews the lease now and confirms it is still this holder's: what to call right before an
   * action only the holder may take (recording a migration as applied).
   * @throws S3verlessError `migration.locked` when it was lost.
   */
  async confirm(): Promise<void> {
    await this.#renew(true)
    this.check()
  }

  /** Stops renewing and releases the lease (compare-and-swap: never frees a lease someone else took since). */
  async release(): Promise<void> {
    clearInterval(this.#timer)
    await this.#renewing
    if (this.#lost) return
    const { store, key } = this.options
    try {
      if (store.capabilities.conditionalDelete) await store.delete(key, { ifMatch: this.#etag })
      else await store.put(key, JSON.stringify({ ...this.body, released: true }), { ifMatch: this.#etag, contentType: 'application/json' })
    } catch (error) {
      if (!lostRace(error) && !unsure(error)) throw error
    }
  }

  /** One renewal (compare-and-swap on the etag held), after any renewal under way. */
  #renew(strict = false): Promise<void> {
    const run = this.#renewing.then(() => this.#renewOnce(strict))
    this.#renewing = run.catch(() => undefined)
    return run
  }

  async #renewOnce(strict: boolean): Promise<void> {
    if (this.#lost) return
    const { store, key } = this.options
    const text = JSON.stringify({ ...this.body, renewedAt: new Date().toISOString() })
    const sentAt = performance.now()
    try {
      this.#etag = (await store.put(key, text, { ifMatch: this.#etag, contentType: 'application/json' })).etag
      this.#renewedAt = sentAt
      return
    } catch (error) {
      // Other failures are tried again on the next tick: only a changed lease means it is lost.
      if (!lostRace(error) && !unsure(error)) {
        if (strict) throw error
        return
      }
    }
    // The answer may hide a renewal that landed (a retry underneath, a 5xx): the token tells.
    let current: StoredObject | null
    const readAt = performance.now()
    try {
      current = await store.get(key)
    } catch (error) {
      if (strict) throw error
      return
    }
    if (current && parse(current)?.token === this.body.token) {
      // Still ours (a renewal that landed, or none did), last written its age before the read (to the store clock's resolution).
      this.#etag = current.etag
      const writtenAt = readAt - (current.serverTime.getTime() - current.lastModified.getTime()) - timeResolutionOf(store)
      this.#renewedAt = Math.max(this.#renewedAt, writtenAt)
    } else this.#lost = true
  }
}
