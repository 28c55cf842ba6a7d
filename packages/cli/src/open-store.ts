import { promises as fsp } from 'node:fs'
import { resolve } from 'node:path'
import { type ObjectStore, S3ClientManager, S3verlessError, type S3verlessSettings } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'
import { UsageError } from './cli-io.js'

/** Where the file-system store lives when neither `--data` nor `S3VERLESS_DATA_DIR` is given. */
export const DEFAULT_DATA_DIR = './.s3verless-data'

/** The `--data DIR` option every command that opens a store accepts (for `parseArgs`). */
export const DATA_OPTION = { data: { type: 'string' } } as const

/** The usage lines that say how the store is chosen (the same in every command's help). */
export const STORE_USAGE = `The store: --data DIR (the file-system store in DIR); otherwise S3 when AWS_BUCKET_NAME
is set (with AWS_REGION, AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY);
otherwise the data directory S3VERLESS_DATA_DIR (default ${DEFAULT_DATA_DIR}).`

/** A store opened from the options and environment, with a description for messages and a way to let go of it. */
export interface OpenedStore {
  store: ObjectStore
  /** What to hand to code that can use S3 itself (presigned uploads): the `S3ClientManager`, or the store. */
  source: ObjectStore | S3ClientManager
  /** `S3 bucket "my-bucket"` or `data directory /abs/path`. */
  description: string
  close(): void
}

/** How {@link openStore} picks and opens the store. */
export interface OpenStoreOptions {
  /** `--data DIR`: the file-system store in DIR, whatever the `AWS_*` settings say. */
  dataDir?: string | undefined
  /** Make the data directory when it does not exist (commands that write: `serve`, `create-admin`). Default false. */
  create?: boolean
}

/**
 * Opens the store the command line and environment choose, the same way in every command:
 * `--data DIR` → the file-system store in DIR; else S3 (through `S3ClientManager`) when
 * `AWS_BUCKET_NAME` is set; else the file-system store at `S3VERLESS_DATA_DIR` (default
 * `./.s3verless-data`). Directories resolve against the working directory.
 * @throws UsageError for an empty `--data`; S3verlessError `cli.noDataDir` when the data directory does not exist and `create` is
 * not set (a read-only command in the wrong folder should say so, not leave an empty store behind).
 */
export async function openStore(
  settings: S3verlessSettings,
  env: Record<string, string | undefined>,
  options: OpenStoreOptions = {},
): Promise<OpenedStore> {
  if (options.dataDir === '') throw new UsageError('--data needs a directory')
  if (!options.dataDir && settings.awsBucketName) {
    const manager = new S3ClientManager(settings)
    return { store: manager.store(), source: manager, description: `S3 bucket "${settings.awsBucketName}"`, close: () => manager.destroy() }
  }
  const root = resolve(options.dataDir || env.S3VERLESS_DATA_DIR || DEFAULT_DATA_DIR)
  if (options.create) await fsp.mkdir(root, { recursive: true })
  const isDir = await fsp.stat(root).then(
    (s) => s.isDirectory(),
    () => false,
  )
  if (!isDir) {
    const how = options.dataDir
      ? 'Check --data'
      : 'Pass --data DIR (or set S3VERLESS_DATA_DIR) for your data folder, or AWS_BUCKET_NAME to use S3'
    throw new S3verlessError('cli.noDataDir', `No data directory at ${root}. ${how}.`, { details: { root } })
  }
  const store = fsStore({ root })
  return { store, source: store, description: `data directory ${root}`, close: () => {} }
}
