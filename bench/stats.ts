/**
 * Small helpers shared by the benchmarks: percentiles, number formatting, and the header that says
 * where and how a table was measured.
 */
import { cpus, totalmem } from 'node:os'

/** The value below which `p` (0–1) of the samples fall (nearest rank); NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number
}

export const median = (samples: readonly number[]): number => percentile(samples, 0.5)

/** A count with thousands separators. */
export const int = (n: number): string => Math.round(n).toLocaleString('en')

/** Milliseconds: two decimals below 1, one below 10. */
export const ms = (n: number): string => (n < 1 ? n.toFixed(2) : n < 10 ? n.toFixed(1) : int(n))

/** A ratio such as `12×`, or `0.8×` below 10. */
export const ratio = (a: number, b: number): string => {
  const r = a / b
  return Number.isFinite(r) ? `${r < 10 ? r.toFixed(1) : int(r)}×` : '–'
}

/** One line naming the machine, the date, Node and the command line, for the top of a results section. */
export function machineLine(): string {
  const cpu = cpus()
  const args = process.argv.slice(2).join(' ')
  return `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; \`npm run bench${args ? ` -- ${args}` : ''}\``
}

/** Progress for the person waiting, on stderr so the tables on stdout stay clean. */
export const progress = (text: string): void => {
  if (process.env.VITEST) return
  process.stderr.write(`  … ${text}\n`)
}
