import { randomUUID } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import { join } from 'node:path'
import { PreconditionFailed } from '../errors.js'
import { compareUtf8 } from '../store/byte-order.js'
import { toBytes } from '../store/bytes.js'
import { unquoteEtag } from '../store/etag.js'
import { assertDeleteBatch, assertPageSize, assertPutConditions, assertValidKey } from '../store/keys.js'
import { lowerBound, pageFromSorted } from '../store/sorted-listing.js'
import type { DeleteManyResult, GetOptions, ListedObject, NotModified, ObjectStore, PutOptions, StoredObject } from '../store/types.js'
import { checkRoot, openDataFolder, sweepTmp } from './data-folder.js'
import { FileLocks } from './file-lock.js'
import { KeyLock } from './key-lock.js'
import { keyToPath } from './key-paths.js'
import { listKeys } from './list-keys.js'
import { newHeader, readEtag, readObject, readObjectHead } from './object-file.js'

/** Options for {@link fsStore}. */
export interface FsStoreOptions {
  /** The folder holding the data (created if missing). */
  root: string
  /** fsync each object before it becomes visible, so a power loss cannot leave a torn file (default true). */
  durable?: boolean
}

/** How many listed objects' files a `list` reads at once. */
const READ_AHEAD = 16

const isCode = (error: unknown, ...codes: string[]) => codes.includes((error as NodeJS.ErrnoException)?.code ?? '')

/**
 * An object store on the local file system: the embedded default for development and the demo.
 * Same semantics as S3 (byte-order listing, conditional writes, cursors). Every write goes to a
 * temporary file that is renamed into place, so a crash leaves either the old or the new object,
 * never a torn one. Each object file starts with a header holding a random etag, new on every
 * write. Writes and deletes of one key take a per-key lock (in memory, then a lock file shared with
 * other processes, see {@link FileLocks}), so conditional writes are atomic across processes
 * sharing the folder too. Opening a store sweeps what crashed writers left behind.
 * Node only: import from `@s3verless/core/fs`.
 * @throws SettingsError (on the first call) when `root` holds data in an earlier fsStore layout.
 * @example
 * const store = fsStore({ root: './.s3verless-data' })
 */
export const fsStore = (options: FsStoreOptions): ObjectStore & { readonly root: string } => {
  if (typeof options !== 'object' || options === null) checkRoot(undefined)
  const root = checkRoot(options.root)
  const objectsDir = join(root, 'objects')
  const tmpDir = join(root, 'tmp')
  const durable = options.durable ?? true
  const locks = new KeyLock()
  const fileLocks = new FileLocks(join(root, 'locks'), tmpDir)
  /** Serialises writes of one key: within this process, then across processes through a lock file. */
  const exclusive = <T>(key: string, work: () => Promise<T>) => locks.run(key, () => fileLocks.run(key, work))
  let ready: Promise<void> | undefined
  const init = () => {
    ready ??= openDataFolder(root).then(async () => {
      await sweepTmp(tmpDir).catch(() => undefined)
      await fileLocks.sweep()
    })
    return ready
  }

  const pathOf = (key: string) => {
    const { dirs, file } = keyToPath(key)
    const dir = join(objectsDir, ...dirs)
    return { dir, file: join(dir, file) }
  }

  async function writeTemp(key: string, bytes: Uint8Array): Promise<{ tmp: string; etag: string }> {
    const tmp = join(tmpDir, `${randomUUID()}.tmp`)
    const header = newHeader(key)
    const handle = await fsp.open(tmp, 'w')
    try {
      await handle.writeFile(header.bytes)
      await handle.writeFile(bytes) // continues where the header ended
      if (durable) await handle.sync()
    } finally {
      await handle.close()
    }
    return { tmp, etag: header.etag }
  }

  /** Moves a finished temp file into place: `link` (fails if present) or `rename` (replaces). */
  async function install(tmp: string, key: string, exclusive: boolean): Promise<void> {
    const { dir, file } = pathOf(key)
    for (let attempt = 0; ; attempt++) {
      try {
        await fsp.mkdir(dir, { recursive: true })
        if (exclusive) {
          await fsp.link(tmp, file)
          await fsp.unlink(tmp)
        } else {
          await fsp.rename(tmp, file)
        }
        return
      } catch (error) {
        // A concurrent delete may have removed an emptied parent folder between mkdir and rename.
        if (isCode(error, 'ENOENT') && attempt < 5) continue
        await fsp.unlink(tmp).catch(() => undefined)
        if (isCode(error, 'EEXIST')) throw new PreconditionFailed('put', key)
        throw error
      }
    }
  }

  /** Deletes the object in `file`, then the folders that left empty, up to the objects folder. */
  async function remove(file: string, dir: string): Promise<void> {
    try {
      await fsp.unlink(file)
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return
      throw error
    }
    // `rmdir` removes only an empty folder, so a key written meanwhile keeps its folder.
    while (dir.length > objectsDir.length && dir.startsWith(objectsDir)) {
      try {
        await fsp.rmdir(dir)
      } catch {
        return
      }
      dir = join(dir, '..')
    }
  }

  function get(key: string): Promise<StoredObject | null>
  function get(key: string, opts: GetOptions): Promise<StoredObject | NotModified | null>
  async function get(key: string, opts: GetOptions = {}): Promise<StoredObject | NotModified | null> {
    assertValidKey('get', key)
    await init()
    const ifNoneMatch = opts.ifNoneMatch === undefined ? undefined : unquoteEtag(opts.ifNoneMatch)
    const found = await readObject(pathOf(key).file, ifNoneMatch)
    const serverTime = new Date()
    if (!found) return null
    if (found.notModified) return { notModified: true, key, etag: found.etag, serverTime }
    return { notModified: false, key, body: found.body, etag: found.etag, lastModified: found.modified, serverTime }
  }

  /** A key's listing entry; `null` when it was deleted meanwhile. */
  async function describe(key: string): Promise<ListedObject | null> {
    const found = await readObjectHead(pathOf(key).file)
    if (!found) return null
    const { header, stat } = found
    return { key, lastModified: stat.mtime, size: stat.size - header.length, etag: header.etag }
  }

  return {
    name: 'fs',
    root,
    capabilities: { conditionalDelete: true, timeResolutionMs: 1 },
    get,
    async put(key, body, opts: PutOptions = {}) {
      assertValidKey('put', key)
      assertPutConditions(key, opts)
      await init()
      const bytes = toBytes(body)
      return exclusive(key, async () => {
        const { file } = pathOf(key)
        if (opts.ifMatch !== undefined) {
          if ((await readEtag(file)) !== unquoteEtag(opts.ifMatch)) throw new PreconditionFailed('put', key)
        } else if (opts.ifNoneMatch === '*' && (await readEtag(file)) !== null) {
          throw new PreconditionFailed('put', key)
        }
        const { tmp, etag } = await writeTemp(key, bytes)
        await install(tmp, key, opts.ifNoneMatch === '*')
        return { etag }
      })
    },
    async delete(key, opts = {}) {
      assertValidKey('delete', key)
      await init()
      await exclusive(key, async () => {
        const { dir, file } = pathOf(key)
        if (opts.ifMatch !== undefined) {
          const current = await readEtag(file)
          if (current === null) return
          if (current !== unquoteEtag(opts.ifMatch)) throw new PreconditionFailed('delete', key)
        }
        await remove(file, dir)
      })
    },
    async deleteMany(keys): Promise<DeleteManyResult> {
      assertDeleteBatch(keys)
      await init()
      const errors: { key: string; code: string; message: string }[] = []
      await Promise.all(
        keys.map((key) =>
          exclusive(key, async () => {
            const { dir, file } = pathOf(key)
            await remove(file, dir)
          }).catch((e: Error) => errors.push({ key, code: 'InternalError', message: e.message })),
        ),
      )
      const failed = new Set(errors.map((e) => e.key))
      return { deleted: keys.filter((k) => !failed.has(k)), errors }
    },
    async list(prefix, opts = {}) {
      assertPageSize('list', opts.limit)
      await init()
      const keys = await listKeys(objectsDir, prefix)
      keys.sort(compareUtf8)
      // Listing an object opens its file (the etag is in it): keep the next few reads in flight.
      const readAhead = Math.min(READ_AHEAD, opts.limit ?? READ_AHEAD)
      const reads = new Map<string, Promise<ListedObject | null>>()
      const page = await pageFromSorted(keys, prefix, opts, (key) => {
        const at = lowerBound(keys, key)
        for (const next of keys.slice(at, at + readAhead)) {
          if (reads.has(next)) continue
          const read = describe(next)
          read.catch(() => undefined) // awaited when its turn comes, or not needed
          reads.set(next, read)
        }
        return reads.get(key) as Promise<ListedObject | null>
      })
      return { ...page, serverTime: new Date() }
    },
  }
}
