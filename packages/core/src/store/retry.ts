/** How failed requests are retried. */
export interface RetryOptions {
  /** Attempts in all, including the first (default 4). */
  maxAttempts?: number
  /** Backoff base in milliseconds (default 50). */
  baseDelayMs?: number
  /** Longest single wait in milliseconds (default 2000). */
  maxDelayMs?: number
}

/** Defaults used by the S3 store. */
export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 2000 }

/** "Full jitter" backoff: a random wait between 0 and base·2^attempt, capped. */
export function backoffDelay(attempt: number, options: RetryOptions = {}, random: () => number = Math.random): number {
  const { baseDelayMs, maxDelayMs } = { ...DEFAULT_RETRY, ...options }
  return Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt))
}

/**
 * Runs `attempt` until it succeeds, `isRetryable` says no, or attempts run out, waiting a jittered
 * exponential backoff between tries. `onRetry` is told about each retry.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  options: RetryOptions & { onRetry?: (error: unknown, n: number) => void } = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? DEFAULT_RETRY.maxAttempts
  for (let n = 0; ; n++) {
    try {
      return await attempt(n)
    } catch (error) {
      if (n + 1 >= maxAttempts || !isRetryable(error)) throw error
      options.onRetry?.(error, n + 1)
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(n, options)))
    }
  }
}
