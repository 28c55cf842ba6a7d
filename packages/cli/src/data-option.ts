import { resolve } from 'node:path'

/**
 * The environment a command's `--data <dir>` option means: the file-system store at `dir`, whatever
 * `AWS_BUCKET_NAME` says. Without the option, `env` unchanged.
 */
export function withDataOption(env: Record<string, string | undefined>, dir: string | undefined): Record<string, string | undefined> {
  if (dir === undefined) return env
  return { ...env, AWS_BUCKET_NAME: undefined, S3VERLESS_DATA_DIR: resolve(dir) }
}
