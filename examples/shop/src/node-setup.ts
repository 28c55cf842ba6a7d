import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createSettings, loadSettings, type ObjectStore, S3ClientManager, type S3verlessSettings } from '@s3verless/core'
import { fsStore } from '@s3verless/core/fs'

/** Where the demo keeps its data on fsStore (override with DATA_DIR). */
export const DATA_DIR = process.env.DATA_DIR ?? join(process.cwd(), '.s3verless-data')

/**
 * Settings and store for Node: real S3 when `AWS_BUCKET_NAME` is set, else the embedded file
 * store in {@link DATA_DIR} (data survives restarts). Without `SECRET_KEY`, a random signing key is
 * made once and kept beside the data (so sessions survive restarts too); it is a signing key, not
 * a credential anyone can log in with.
 */
export function nodeRuntime(): { settings: S3verlessSettings; store: ObjectStore | S3ClientManager; where: string } {
  const env = loadSettings()
  let secretKey = env.secretKey
  if (!secretKey) {
    mkdirSync(DATA_DIR, { recursive: true })
    const file = join(DATA_DIR, 'secret-key')
    try {
      secretKey = readFileSync(file, 'utf8').trim()
    } catch {
      secretKey = randomBytes(32).toString('hex')
      writeFileSync(file, secretKey, { mode: 0o600 })
    }
  }
  const settings = createSettings({ ...env, secretKey })
  if (settings.awsBucketName) return { settings, store: new S3ClientManager(settings), where: `S3 bucket ${settings.awsBucketName}` }
  return { settings, store: fsStore({ root: join(DATA_DIR, 'store') }), where: `the file-system store in ${join(DATA_DIR, 'store')}` }
}
