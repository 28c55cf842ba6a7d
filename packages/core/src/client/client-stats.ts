/** A snapshot of what a client (or store) has done. */
export interface ClientStats {
  /** Requests sent, by S3 operation (retries included). */
  requests: Record<string, number>
  totalRequests: number
  /** Requests that ended in an error, by error code. */
  errors: Record<string, number>
  /** Retries performed. */
  retries: number
  /** Latency percentiles over the most recent requests, in milliseconds. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; samples: number }
}

const WINDOW = 2048

/** Collects request statistics for an S3 client; shared by every store made from one manager. */
export class ClientStatsRecorder {
  private requests: Record<string, number> = {}
  private errors: Record<string, number> = {}
  private retries = 0
  private readonly latencies = new Float64Array(WINDOW)
  private samples = 0

  /** Records one request. */
  request(operation: string, ms: number, errorCode?: string): void {
    this.requests[operation] = (this.requests[operation] ?? 0) + 1
    if (errorCode) this.errors[errorCode] = (this.errors[errorCode] ?? 0) + 1
    this.latencies[this.samples % WINDOW] = ms
    this.samples++
  }

  /** Records one retry. */
  retry(): void {
    this.retries++
  }

  /** The numbers so far. */
  snapshot(): ClientStats {
    const n = Math.min(this.samples, WINDOW)
    const sorted = Array.from(this.latencies.subarray(0, n)).sort((a, b) => a - b)
    const pct = (p: number) => (n === 0 ? 0 : (sorted[Math.min(n - 1, Math.floor((p / 100) * n))] as number))
    const totalRequests = Object.values(this.requests).reduce((a, b) => a + b, 0)
    return {
      requests: { ...this.requests },
      totalRequests,
      errors: { ...this.errors },
      retries: this.retries,
      latencyMs: { p50: pct(50), p90: pct(90), p99: pct(99), max: n === 0 ? 0 : (sorted[n - 1] as number), samples: n },
    }
  }
}
