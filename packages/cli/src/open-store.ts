import { promises as fsp } from 'node:fs'
import { resolve } from 'node:path'
import { type ObjectStore, S3ClientManager, S3verlessError, type S3verlessSettings } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'

/** Where the file-system store lives when `S3VERLESS_DATA_DIR` is not set. */
export const DEFAULT_DATA_DIR = './.s3verless-data'

/** A store opened from the environment, with a description for messages and a way to let go of it. */
export interface OpenedStore {
  store: ObjectStore
  /** `S3 bucket "my-bucket"` or `data directory /abs/path`. */
  description: string
  close(): void
}

/** How a command chose its store on the command line (shared by every command that takes `--data`). */
export interface StoreChoice {
  /** `--data DIR`: the file-system store in DIR, whatever the AWS_* settings say. */
  dataDir?: string
  /** Make the data directory when it does not exist (for commands that write, such as `seed`). */
  create?: boolean
}

/** The `--data` option, for a command's `parseArgs` options. */
export const DATA_OPTION = { data: { type: 'string' } } as const

/**
 * Opens the store the command line or environment configures: the file-system store at `--data DIR`
 * when given; else S3 (through `S3ClientManager`) when `AWS_BUCKET_NAME` is set; else the
 * file-system store at `S3VERLESS_DATA_DIR` (default `./.s3verless-data`, resolved against the
 * working directory).
 * @throws S3verlessError `cli.noDataDir` when the data directory does not exist (it is not
 * created: a read-only command in the wrong folder should say so, not leave an empty store behind).
 */
export async function openStore(
  settings: S3verlessSettings,
  env: Record<string, string | undefined>,
  choice: StoreChoice = {},
): Promise<OpenedStore> {
  if (settings.awsBucketName && choice.dataDir === undefined) {
    const manager = new S3ClientManager(settings)
    return { store: manager.store(), description: `S3 bucket "${settings.awsBucketName}"`, close: () => manager.destroy() }
  }
  const root = resolve(choice.dataDir ?? (env.S3VERLESS_DATA_DIR || DEFAULT_DATA_DIR))
  if (choice.create) await fsp.mkdir(root, { recursive: true })
  const isDir = await fsp.stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  )
  if (!isDir) {
    throw new S3verlessError(
      'cli.noDataDir',
      `No data directory at ${root}. Set S3VERLESS_DATA_DIR to your data folder, or AWS_BUCKET_NAME to use S3.`,
      { details: { root } },
    )
  }
  return { store: fsStore({ root }), description: `data directory ${root}`, close: () => {} }
}
