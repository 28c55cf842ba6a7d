/** Keys whose last write time is remembered before the memory is reset (reads begun before a reset then never promote). */
const MAX_STAMPS = 10_000

/**
 * Which writes a cache has under way and when each key was last written, so that a read can tell
 * whether any write that could touch its key began, ran or ended since the read began. Internal to
 * {@link CompositeCache}: a value read from a slower tier may only be copied into faster ones when
 * nothing wrote its key meanwhile; otherwise the copy could put back what the write replaced.
 */
export class WriteTracker {
  #clock = 0
  /** Reads begun before this reading of the clock are never quiet (the stamps they would need were dropped). */
  #floor = 0
  readonly #stamps = new Map<string, number>()
  readonly #pending = new Map<string, number>()
  /** Writes to every key (`clear`, `deletePattern`) under way, and when the last one began or ended. */
  #bulkPending = 0
  #bulkStamp = 0

  /** The current reading of the clock: pass it to {@link WriteTracker.quietSince} later. */
  now(): number {
    return this.#clock
  }

  /**
   * Records that a write of `key` begins (`undefined`: a write that may touch any key). Call the
   * returned function once, when the write has settled (whether it succeeded or not).
   */
  begin(key: string | undefined): () => void {
    this.#touch(key)
    if (key === undefined) this.#bulkPending++
    else this.#pending.set(key, (this.#pending.get(key) ?? 0) + 1)
    let ended = false
    return () => {
      if (ended) return
      ended = true
      if (key === undefined) this.#bulkPending--
      else {
        const left = (this.#pending.get(key) ?? 1) - 1
        if (left > 0) this.#pending.set(key, left)
        else this.#pending.delete(key)
      }
      this.#touch(key)
    }
  }

  /** True when no write that could touch `key` is under way, and none began or ended after the clock read `since`. */
  quietSince(key: string, since: number): boolean {
    return (
      since >= this.#floor &&
      this.#bulkPending === 0 &&
      this.#bulkStamp <= since &&
      !this.#pending.has(key) &&
      (this.#stamps.get(key) ?? 0) <= since
    )
  }

  #touch(key: string | undefined): void {
    const now = ++this.#clock
    if (key === undefined) {
      // Every read begun before now is no longer quiet anyway: older stamps can go.
      this.#bulkStamp = now
      this.#stamps.clear()
      return
    }
    if (this.#stamps.size >= MAX_STAMPS && !this.#stamps.has(key)) {
      this.#stamps.clear()
      this.#floor = now
    }
    this.#stamps.set(key, now)
  }
}
