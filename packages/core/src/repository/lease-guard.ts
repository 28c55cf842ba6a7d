import { S3verlessError } from '../errors.js'
import { backoffDelay } from '../store/retry.js'
import { claimAll, refsOf, releaseAll, renewAll } from './claim-set.js'
import { sleep } from './concurrency.js'
import { removeEntries, writeEntries } from './entries-io.js'
import type { ClaimRef } from './record-codec.js'
import type { RepoCore } from './repo-core.js'

type Rec = Record<string, unknown> & { id: string }

/**
 * What one write has added ahead of its record: index entries (keys unique to the write, through
 * its token) and unique claims (versions only it made), with the times they were last written.
 *
 * The lease rule it enforces: a claim or entry whose record does not hold it is judged abandoned by
 * others only once it is older than the lease (by the store's clock). A write therefore starts its
 * record write less than half a lease after its claims and entries were last written — renewing the
 * claims and putting the entries again first when it is slow — and, when the record landed later
 * than that, renews the claims (compare-and-swap, so a taker who judged them abandoned loses or is
 * detected) and puts the entries again (a reader may have removed them as dangling meanwhile). Half
 * a lease leaves room for stores that keep `LastModified` to the second (leases of at least 2 s
 * there) and for a record write whose answer is lost to land a little later: the lease must be
 * longer than twice the longest time a request can be on its way.
 */
export class WriteAdditions {
  claims: Record<string, string> = {}
  entries: readonly string[] = []
  #claimsAt = performance.now()
  #entriesAt = performance.now()

  constructor(
    readonly core: RepoCore,
    readonly record: Rec,
    readonly w: string,
  ) {}

  /** Claim refs to store in the record's bookkeeping. */
  refs(): Record<string, ClaimRef> {
    return refsOf(this.claims, this.w)
  }

  /**
   * Claims `fields` and writes `entries` in parallel (a claim made by a `superseded` write of this
   * record, by field, may be taken at once); on failure keeps what did land for {@link undo} and rethrows.
   */
  async add(fields: readonly string[], entries: readonly string[], superseded: Readonly<Record<string, string>> = {}) {
    this.#claimsAt = this.#entriesAt = performance.now()
    const [claimed, written] = await Promise.allSettled([
      claimAll(this.core, this.record, fields, this.w, superseded),
      writeEntries(this.core, entries),
    ])
    if (claimed.status === 'fulfilled') this.claims = claimed.value
    this.entries = entries
    if (claimed.status === 'rejected') throw claimed.reason
    if (written.status === 'rejected') throw written.reason
  }

  #slow(since: number): boolean {
    return performance.now() - since >= this.core.settings.leaseMs / 2
  }

  /**
   * Before the record write: renews the claims and puts the entries again if half a lease has passed
   * since they were written, so both are younger than half a lease when the record write starts.
   * (Should its answer be lost, the write may still land a little later, with no chance to put its
   * entries back afterwards: they must not look abandoned until then.)
   * @throws UniqueConstraintError for a lost claim; the store's error when entries cannot be written
   */
  async beforeRecord(): Promise<void> {
    // Renewing one may take long enough for the other to age: look again until both are fresh.
    for (let round = 0; round < 4; round++) {
      const renew = Object.keys(this.claims).length > 0 && this.#slow(this.#claimsAt)
      const reput = this.entries.length > 0 && this.#slow(this.#entriesAt)
      if (!renew && !reput) return
      const at = performance.now()
      const [claims, entries] = await Promise.allSettled([
        renew ? renewAll(this.core, this.record, this.claims, this.w) : this.claims,
        reput ? writeEntries(this.core, this.entries, true) : undefined,
      ])
      if (claims.status === 'rejected') throw claims.reason
      if (entries.status === 'rejected') throw entries.reason
      this.claims = claims.value
      if (renew) this.#claimsAt = at
      if (reput) this.#entriesAt = at
    }
  }

  /**
   * After the record landed: if it landed half a lease or more after the claims or entries were
   * written, renew the claims and put the entries again. @throws UniqueConstraintError for a lost
   * claim, or the store's error when the entries could not be put back (the caller must then take its
   * record back).
   */
  async afterRecord(): Promise<void> {
    const reput = this.entries.length > 0 && this.#slow(this.#entriesAt)
    const renew = Object.keys(this.claims).length > 0 && this.#slow(this.#claimsAt)
    const [entries, claims] = await Promise.allSettled([
      reput ? putBack(this.core, this.entries) : undefined,
      renew ? renewAll(this.core, this.record, this.claims, this.w) : this.claims,
    ])
    if (claims.status === 'rejected') throw claims.reason
    this.claims = claims.value
    // Entries a reader may have removed could not be put back: the record stays (taking it back would
    // make a landed write vanish again, after others may have acted on it); the caller reports an
    // unknown outcome and `verify({ repair: true })` adds any entry that is missing.
    if (entries.status === 'rejected') throw new EntriesNotRestored(entries.reason)
  }

  /**
   * After a record write of unknown outcome: it may land later than its answer said, with no chance
   * to look then. Renews the claims and puts the entries again now, so they stay fresh for the
   * while it may still be on its way; a claim found released meanwhile is claimed again (one another
   * record took stays lost: a duplicate, should the record land). Best effort: failures are ignored.
   */
  async afterUnknown(): Promise<void> {
    const claims = Object.entries(this.claims)
    await Promise.allSettled([
      writeEntries(this.core, this.entries, true),
      ...claims.map(async ([field, etag]) => {
        try {
          this.claims[field] = (await renewAll(this.core, this.record, { [field]: etag }, this.w))[field] as string
        } catch {
          await claimAll(this.core, this.record, [field], this.w).catch(() => undefined)
        }
      }),
    ])
  }

  /** Removes what this write added (nothing a stored record can need: keys and versions are its own). */
  async undo(): Promise<void> {
    await Promise.allSettled([removeEntries(this.core, this.entries), releaseAll(this.core, this.record, this.refs())])
  }
}

/** Puts entries back with a new body (see `writeEntries`), trying a few times: a failure leaves a record that may lack one. */
async function putBack(core: RepoCore, entries: readonly string[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await writeEntries(core, entries, true)
    } catch (error) {
      if (attempt >= 3) throw error
    }
    await sleep(backoffDelay(attempt, { baseDelayMs: 20, maxDelayMs: 500 }))
  }
}

/**
 * A write whose record landed late could not put its index entries back (a reader may have removed
 * them as dangling meanwhile). The record is kept; the write's outcome is reported as unknown.
 */
export class EntriesNotRestored extends S3verlessError {
  constructor(cause: unknown) {
    super(
      'store.unavailable',
      'The record was written, but its index entries could not be put back after a slow write; run verify({ repair: true }) if a query misses it',
      { cause, details: { outcome: 'unknown' } },
    )
  }
}
