import { randomUUID } from 'node:crypto'
import { accessSync, constants, promises as fsp, mkdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { SettingsError } from '../errors.js'

/**
 * The layout of a data folder, recorded in its `format` file. Version 2: object files carry a
 * header with a random etag and the key ({@link newHeader}), and file names escape capital letters.
 * Version 1 (no `format` file) had neither.
 */
export const FOLDER_FORMAT = 's3verless-fs 2'
/** Temporary files and folders older than this were left by a crash; opening a store sweeps them (15 min). */
export const TMP_MAX_AGE_MS = 15 * 60_000

const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException)?.code === code
const readFormat = (file: string) =>
  fsp.readFile(file, 'utf8').then(
    (text) => text.trim(),
    (error) => {
      if (isCode(error, 'ENOENT')) return undefined
      throw error
    },
  )

/**
 * Makes `root` ready for a store: checks (or, in a new folder, records) its layout and creates its
 * `objects`, `tmp` and `locks` folders.
 * @throws SettingsError when the folder holds data in another layout (an earlier fsStore's).
 */
export async function openDataFolder(root: string): Promise<void> {
  const file = join(root, 'format')
  let format = await readFormat(file)
  if (format === undefined) {
    // A store writes objects only once the format file exists, so objects without one are version 1.
    const objects = await fsp.readdir(join(root, 'objects')).catch(() => [])
    format = await readFormat(file)
    if (format === undefined && objects.length > 0) format = 's3verless-fs 1'
  }
  if (format === undefined) {
    await fsp.mkdir(root, { recursive: true })
    await fsp.writeFile(file, `${FOLDER_FORMAT}\n`, { flag: 'wx' }).catch((error) => {
      if (!isCode(error, 'EEXIST')) throw error
    })
    format = await readFormat(file)
  }
  if (format !== FOLDER_FORMAT) {
    throw new SettingsError(
      `fsStore: the data folder ${root} has layout "${format}", and this version reads "${FOLDER_FORMAT}" ` +
        '(unique etags, file names safe on case-insensitive file systems). Move the folder away and start a new one.',
      { details: { root, format, expected: FOLDER_FORMAT } },
    )
  }
  await Promise.all(['objects', 'tmp', 'locks'].map((dir) => fsp.mkdir(join(root, dir), { recursive: true })))
}

/**
 * Removes what crashed writers left in `tmp/`: files and folders last changed more than `maxAgeMs`
 * ago. A folder (a lock being prepared) is first renamed to a name of its own, so that a writer
 * still using it finds it gone rather than half emptied.
 */
export async function sweepTmp(tmpDir: string, maxAgeMs = TMP_MAX_AGE_MS): Promise<void> {
  const names = await fsp.readdir(tmpDir).catch(() => [] as string[])
  const cutoff = Date.now() - maxAgeMs
  for (const name of names) {
    const path = join(tmpDir, name)
    const stat = await fsp.lstat(path).catch(() => null)
    if (!stat || stat.mtimeMs > cutoff) continue
    if (!stat.isDirectory()) {
      await fsp.unlink(path).catch(() => undefined)
      continue
    }
    const claimed = join(tmpDir, `${randomUUID()}.sweep`)
    try {
      await fsp.rename(path, claimed)
    } catch {
      continue // taken into use, or swept by another store
    }
    await fsp.rm(claimed, { recursive: true, force: true })
  }
}

/**
 * Checks, when a store is made, that `root` names a folder this process can write (creating it if
 * it does not exist yet), so a mistake fails at once with the path and what to do, not as a raw
 * ENOTDIR or EACCES on the first request. Returns the absolute path.
 * @throws SettingsError (`settings.invalid`) for an empty or non-string root, a file, or a folder
 *   that cannot be created or written.
 */
export function checkRoot(root: unknown): string {
  const fix = "pass a folder path, e.g. fsStore({ root: './.s3verless-data' })"
  if (typeof root !== 'string' || root.trim() === '') {
    throw new SettingsError(`fsStore: root must be a non-empty folder path, got ${root === '' ? 'an empty string' : typeof root}: ${fix}`, {
      details: { root },
    })
  }
  const path = resolve(root)
  const fail = (why: string, cause?: unknown) =>
    new SettingsError(`fsStore: cannot use ${path} as the data folder: ${why}`, { cause, details: { root: path } })
  try {
    mkdirSync(path, { recursive: true })
  } catch (error) {
    if (isCode(error, 'EEXIST') || isCode(error, 'ENOTDIR')) throw fail(`it (or a parent) is a file, not a folder; ${fix}`, error)
    throw fail(
      `it cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)}); choose another folder or fix its permissions`,
      error,
    )
  }
  if (!statSync(path).isDirectory()) throw fail(`it is a file, not a folder; ${fix}`)
  try {
    accessSync(path, constants.W_OK)
  } catch (error) {
    throw fail('it is not writable by this process; choose another folder or fix its permissions', error)
  }
  return path
}
