import type { MigrationProgress } from '@s3verless/migrations'
import cliProgress from 'cli-progress'
import type { CliOutput } from './cli-io.js'

/** Where a pass over a model's records is: a migration's progress, or another command's (`versions` optional). */
export type PassProgress = Omit<MigrationProgress, 'phase' | 'versions'> & { phase: string; versions?: readonly string[] }

/** A progress bar (cli-progress) on `stream`, one per pass over a model's records. */
export function progressBar(stream: CliOutput): { update(progress: PassProgress): void; stop(): void } {
  let bar: cliProgress.SingleBar | undefined
  let current = ''
  const stop = () => {
    bar?.stop()
    bar = undefined
  }
  return {
    update(progress) {
      const pass = `${progress.phase} ${progress.modelName}${progress.versions?.length ? ` (${progress.versions.join(', ')})` : ''}`
      if (pass !== current || !bar) {
        stop()
        current = pass
        bar = new cliProgress.SingleBar(
          {
            stream: stream as NodeJS.WritableStream,
            format: `${pass.padEnd(28)} [{bar}] {value}/{total} records`,
            noTTYOutput: true, // piped or in CI: a line every few seconds, and the final count
            notTTYSchedule: 5_000,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
        bar.start(progress.total, progress.done)
      }
      bar.setTotal(progress.total)
      bar.update(progress.done)
    },
    stop,
  }
}
