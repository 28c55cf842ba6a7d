import { claimAll, refsOf, releaseAll, renewAll } from './claim-set.js'
import { removeEntries, writeEntries } from './entries-io.js'
import type { ClaimRef } from './record-codec.js'
import type { RepoCore } from './repo-core.js'

type Rec = Record<string, unknown> & { id: string }

/**
 * What one write has added ahead of its record: index entries (keys unique to the write, through
 * its token) and unique claims (versions only it made), with the times they were last written.
 *
 * The lease rule it enforces: a claim or entry whose record does not hold it is judged abandoned by
 * others only once it is older than the lease (by the store's clock). A write therefore makes sure
 * its record lands less than half a lease after its claims and entries were last written — renewing
 * the claims before the record write when it is slow — and, when the record landed later than that,
 * renews the claims (compare-and-swap, so a taker who judged them abandoned loses or is detected)
 * and puts the entries again (a reader may have removed them as dangling meanwhile). Half a lease
 * leaves room for stores that keep `LastModified` to the second (leases of at least 2 s there).
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

  /** Before the record write: renews the claims if half a lease has passed. @throws UniqueConstraintError for a lost claim */
  async beforeRecord(): Promise<void> {
    if (Object.keys(this.claims).length === 0 || !this.#slow(this.#claimsAt)) return
    const at = performance.now()
    this.claims = await renewAll(this.core, this.record, this.claims, this.w)
    this.#claimsAt = at
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
      reput ? writeEntries(this.core, this.entries, true) : undefined,
      renew ? renewAll(this.core, this.record, this.claims, this.w) : this.claims,
    ])
    if (claims.status === 'rejected') throw claims.reason
    this.claims = claims.value
    // Entries a reader may have removed could not be put back: the record must not stay without them.
    if (entries.status === 'rejected') throw entries.reason
  }

  /** Removes what this write added (nothing a stored record can need: keys and versions are its own). */
  async undo(): Promise<void> {
    await Promise.allSettled([removeEntries(this.core, this.entries), releaseAll(this.core, this.record, this.refs())])
  }
}
