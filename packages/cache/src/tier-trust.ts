import { globMatcher } from './glob.js'

/** Keys remembered as possibly stale in one tier before the whole tier stops being read. */
const MAX_KEYS = 10_000
/** Failed pattern deletions remembered per tier before the whole tier stops being read. */
const MAX_PATTERNS = 100

/**
 * What one tier of a {@link CompositeCache} may still hold although a write replaced it: keys whose
 * `set` or `delete` failed there (and could not be dropped either), patterns whose `deletePattern`
 * failed there, or everything after a failed `clear`. Reads skip the tier for those keys until a
 * write to the tier that was *issued after* the failed one succeeds (a tier applies writes in the
 * order they were issued, so only such a write settles what the failed one left). Every fact and
 * settlement carries `issued`, the composite's sequence number of the write. Internal to CompositeCache.
 */
export class TierTrust {
  readonly #keys = new Map<string, number>()
  readonly #patterns = new Map<string, { matches: (key: string) => boolean; issued: number }>()
  /** Set when the tier may hold anything: by the write issued at this number. */
  #none: number | undefined

  /** Whether the tier may be read for `key`. */
  trusts(key: string): boolean {
    if (this.#none !== undefined || this.#keys.has(key)) return false
    for (const { matches } of this.#patterns.values()) if (matches(key)) return false
    return true
  }

  /** The write of `key` issued at `issued` landed (or the key was dropped): what failed before it is settled. */
  settled(key: string, issued: number): void {
    if ((this.#keys.get(key) ?? issued) < issued) this.#keys.delete(key)
  }

  /** The write of `key` issued at `issued` failed: the tier may still hold the value it replaced. */
  failed(key: string, issued: number): void {
    if (this.#keys.size >= MAX_KEYS && !this.#keys.has(key)) this.#distrust(issued)
    else this.#keys.set(key, Math.max(issued, this.#keys.get(key) ?? issued))
  }

  /** `deletePattern(pattern)` issued at `issued` failed: the tier may still hold keys it meant to remove. */
  patternFailed(pattern: string, issued: number): void {
    const known = this.#patterns.get(pattern)
    if (known) known.issued = Math.max(known.issued, issued)
    else if (this.#patterns.size >= MAX_PATTERNS) this.#distrust(issued)
    else this.#patterns.set(pattern, { matches: globMatcher(pattern), issued })
  }

  /** `deletePattern(pattern)` issued at `issued` succeeded: nothing matching it that failed before is held any more. */
  patternSettled(pattern: string, issued: number): void {
    const known = this.#patterns.get(pattern)
    if (known && known.issued < issued) this.#patterns.delete(pattern)
    const matches = globMatcher(pattern)
    for (const [key, at] of this.#keys) if (at < issued && matches(key)) this.#keys.delete(key)
  }

  /** `clear()` issued at `issued` failed: the tier may hold anything. */
  clearFailed(issued: number): void {
    this.#distrust(issued)
  }

  /** `clear()` issued at `issued` succeeded: whatever failed before it is gone. */
  cleared(issued: number): void {
    if (this.#none !== undefined && this.#none < issued) this.#none = undefined
    for (const [key, at] of this.#keys) if (at < issued) this.#keys.delete(key)
    for (const [pattern, { issued: at }] of this.#patterns) if (at < issued) this.#patterns.delete(pattern)
  }

  #distrust(issued: number): void {
    this.#none = Math.max(issued, this.#none ?? issued)
  }
}
