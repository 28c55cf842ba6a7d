import { S3ServiceError } from './s3-error.js'

/** The S3 operations the in-memory S3 serves (the SDK command names without `Command`). */
export type S3Operation =
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'DeleteObjects'
  | 'ListObjectsV2'
  | 'CopyObject'
  | 'CreateBucket'
  | 'HeadBucket'
  | 'DeleteBucket'
  | 'ListBuckets'

/**
 * A fault or delay for matching requests. Every given condition must match; an omitted one matches all.
 * @example
 * s3.inject({ op: 'PutObject', key: /^users\//, error: 'SlowDown', times: 2 })
 * s3.inject({ op: 'GetObject', latencyMs: 20 })
 */
export interface FaultSpec {
  /** Operation(s) to match. */
  op?: S3Operation | readonly S3Operation[]
  /** Key to match: a RegExp, or a string that must equal the key. Requests without a key never match a key pattern. */
  key?: RegExp | string
  bucket?: string
  /**
   * What to fail with: an S3 error code (`'SlowDown'`, `'InternalError'`, `'AccessDenied'`…, raised as
   * {@link S3ServiceError} with S3's status), or an `Error` thrown as it is (over HTTP: as a lost
   * connection). Omit for latency alone.
   */
  error?: string | Error
  /**
   * `'before'` (default): the request fails and changes nothing. `'after'`: the operation is applied,
   * then the answer is lost or fails (the ambiguous outcome a timeout leaves).
   */
  when?: 'before' | 'after'
  /** Delay before the request is served, in ms. */
  latencyMs?: number
  /** How many matching requests the rule affects (default: every one, until {@link FaultRules.clear}). */
  times?: number
}

interface Rule extends FaultSpec {
  left: number
}

/** What a matching rule asks for. */
export interface FaultPlan {
  latencyMs: number
  error: Error | undefined
  when: 'before' | 'after'
}

/** The fault rules of one in-memory S3. */
export class FaultRules {
  private rules: Rule[] = []

  add(spec: FaultSpec): () => void {
    if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times > 0)) {
      throw new TypeError(`inject: times must be a positive integer, got ${spec.times}`)
    }
    if (spec.latencyMs !== undefined && !(spec.latencyMs >= 0)) {
      throw new TypeError(`inject: latencyMs must be a number ≥ 0, got ${spec.latencyMs}`)
    }
    const rule: Rule = { ...spec, left: spec.times ?? Number.POSITIVE_INFINITY }
    this.rules.push(rule)
    return () => {
      this.rules = this.rules.filter((r) => r !== rule)
    }
  }

  clear(): void {
    this.rules = []
  }

  /** The combined plan for one request (latencies add up; the first matching error wins), using up `times`. */
  plan(op: S3Operation, bucket: string | undefined, key: string | undefined): FaultPlan {
    let latencyMs = 0
    let error: Error | undefined
    let when: 'before' | 'after' = 'before'
    for (const rule of this.rules) {
      if (rule.left <= 0 || !matches(rule, op, bucket, key)) continue
      rule.left--
      latencyMs += rule.latencyMs ?? 0
      if (rule.error !== undefined && !error) {
        error =
          typeof rule.error === 'string'
            ? new S3ServiceError(rule.error, `Injected fault: ${rule.error}`, { ...(bucket ? { bucket } : {}), ...(key ? { key } : {}) })
            : rule.error
        when = rule.when ?? 'before'
      }
    }
    this.rules = this.rules.filter((r) => r.left > 0)
    return { latencyMs, error, when }
  }
}

function matches(rule: FaultSpec, op: S3Operation, bucket: string | undefined, key: string | undefined): boolean {
  if (rule.op !== undefined && !(typeof rule.op === 'string' ? rule.op === op : rule.op.includes(op))) return false
  if (rule.bucket !== undefined && rule.bucket !== bucket) return false
  if (rule.key !== undefined) {
    if (key === undefined) return false
    if (typeof rule.key === 'string' ? rule.key !== key : !new RegExp(rule.key.source, rule.key.flags.replace('g', '')).test(key))
      return false
  }
  return true
}
