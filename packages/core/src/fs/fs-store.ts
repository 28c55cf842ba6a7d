import { randomUUID } from 'node:crypto'
import { promises as fsp } from 'node:fs'
import { join } from 'node:path'
import { PreconditionFailed } from '../errors.js'
import { compareUtf8 } from '../store/byte-order.js'
import { toBytes } from '../store/bytes.js'
import { unquoteEtag } from '../store/etag.js'
import { assertDeleteBatch, assertPageSize, assertPutConditions, assertValidKey } from '../store/keys.js'
import { pageFromSorted } from '../store/sorted-listing.js'
import type { DeleteManyResult, GetOptions, NotModified, ObjectStore, PutOptions, StoredObject } from '../store/types.js'
import { sweepTmp } from './data-folder.js'
import { FileLocks } from './file-lock.js'
import { KeyLock } from './key-lock.js'
import { DIR_SUFFIX, decodeSegment, encodeSegment, isHashedName, keyToPath, NAME_SUFFIX, OBJECT_SUFFIX } from './key-paths.js'

/** Options for {@link fsStore}. */
export interface FsStoreOptions {
  /** The folder holding the data (created if missing). */
  root: string
  /** fsync each object before it becomes visible, so a power loss cannot leave a torn file (default true). */
  durable?: boolean
}

const isCode = (error: unknown, ...codes: string[]) => codes.includes((error as NodeJS.ErrnoException)?.code ?? '')

/**
 * An object store on the local file system: the embedded default for development and the demo.
 * Same semantics as S3 (byte-order listing, conditional writes, cursors). Every write goes to a
 * temporary file that is renamed into place, so a crash leaves either the old or the new object,
 * never a torn one. Writes and deletes of one key take a per-key lock (in memory, then a lock file
 * shared with other processes, see {@link FileLocks}), so conditional writes are atomic across
 * processes sharing the folder too. Opening a store sweeps what crashed writers left behind.
 * Node only: import from `@s3verless/core/fs`.
 * @example
 * const store = fsStore({ root: './.s3verless-data' })
 */
export const fsStore = (options: FsStoreOptions): ObjectStore & { readonly root: string } => {
  const objectsDir = join(options.root, 'objects')
  const tmpDir = join(options.root, 'tmp')
  const durable = options.durable ?? true
  const locks = new KeyLock()
  const fileLocks = new FileLocks(join(options.root, 'locks'), tmpDir)
  /** Serialises writes of one key: within this process, then across processes through a lock file. */
  const exclusive = <T>(key: string, work: () => Promise<T>) => locks.run(key, () => fileLocks.run(key, work))
  let ready: Promise<void> | undefined
  const init = () => {
    ready ??= Promise.all([
      fsp.mkdir(objectsDir, { recursive: true }),
      fsp.mkdir(tmpDir, { recursive: true }),
      fsp.mkdir(join(options.root, 'locks'), { recursive: true }),
    ]).then(async () => {
      await sweepTmp(tmpDir).catch(() => undefined)
      await fileLocks.sweep()
    })
    return ready
  }

  const pathOf = (key: string) => {
    const { dirs, file } = keyToPath(key)
    const dir = join(objectsDir, ...dirs)
    return { dir, file: join(dir, file), hashedNames: hashedNameFiles(key) }
  }

  /** For segments too long to be file names: the files recording their real text. */
  function hashedNameFiles(key: string): { path: string; text: string }[] {
    const segments = key.split('/')
    const out: { path: string; text: string }[] = []
    let dir = objectsDir
    segments.forEach((segment, i) => {
      const name = encodeSegment(segment)
      const last = i === segments.length - 1
      if (isHashedName(name)) out.push({ path: join(dir, name + NAME_SUFFIX), text: segment })
      if (!last) dir = join(dir, name + DIR_SUFFIX)
    })
    return out
  }

  const etagOf = (stat: { ino: bigint; mtimeNs: bigint; size: bigint }) =>
    `${stat.ino.toString(36)}-${stat.mtimeNs.toString(36)}-${stat.size.toString(36)}`

  async function statEtag(file: string): Promise<string | null> {
    try {
      return etagOf(await fsp.stat(file, { bigint: true }))
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return null
      throw error
    }
  }

  async function writeTemp(bytes: Uint8Array): Promise<string> {
    const tmp = join(tmpDir, `${randomUUID()}.tmp`)
    const handle = await fsp.open(tmp, 'w')
    try {
      await handle.writeFile(bytes)
      if (durable) await handle.sync()
    } finally {
      await handle.close()
    }
    return tmp
  }

  /** Moves a finished temp file into place: `link` (fails if present) or `rename` (replaces). */
  async function install(tmp: string, key: string, exclusive: boolean): Promise<void> {
    const { dir, file, hashedNames } = pathOf(key)
    for (let attempt = 0; ; attempt++) {
      try {
        await fsp.mkdir(dir, { recursive: true })
        for (const n of hashedNames)
          await fsp.writeFile(n.path, n.text, { flag: 'wx' }).catch((e) => {
            if (!isCode(e, 'EEXIST')) throw e
          })
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

  /** Removes folders left empty by a delete, up to the objects folder. */
  async function pruneEmpty(dir: string): Promise<void> {
    while (dir.length > objectsDir.length && dir.startsWith(objectsDir)) {
      try {
        const entries = await fsp.readdir(dir)
        if (entries.some((e) => !e.endsWith(NAME_SUFFIX))) return
        for (const e of entries) await fsp.unlink(join(dir, e)).catch(() => undefined)
        await fsp.rmdir(dir)
      } catch {
        return
      }
      dir = join(dir, '..')
    }
  }

  async function readName(dir: string, name: string): Promise<string> {
    if (!isHashedName(name)) return decodeSegment(name)
    return fsp.readFile(join(dir, name + NAME_SUFFIX), 'utf8')
  }

  /** Every key under `dir` (whose key prefix is `keyPrefix`) that starts with `want`. */
  async function walk(dir: string, keyPrefix: string, want: string, out: string[]): Promise<void> {
    let entries: string[]
    try {
      entries = await fsp.readdir(dir)
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return
      throw error
    }
    await Promise.all(
      entries.map(async (entry) => {
        if (entry.endsWith(OBJECT_SUFFIX)) {
          const key = keyPrefix + (await readName(dir, entry.slice(0, -OBJECT_SUFFIX.length)))
          if (key.startsWith(want)) out.push(key)
        } else if (entry.endsWith(DIR_SUFFIX)) {
          const sub = `${keyPrefix}${await readName(dir, entry.slice(0, -DIR_SUFFIX.length))}/`
          if (sub.startsWith(want) || want.startsWith(sub)) await walk(join(dir, entry), sub, want, out)
        }
      }),
    )
  }

  function get(key: string): Promise<StoredObject | null>
  function get(key: string, opts: GetOptions): Promise<StoredObject | NotModified | null>
  async function get(key: string, opts: GetOptions = {}): Promise<StoredObject | NotModified | null> {
    assertValidKey('get', key)
    await init()
    let handle: fsp.FileHandle
    try {
      handle = await fsp.open(pathOf(key).file, 'r')
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return null
      throw error
    }
    try {
      const stat = await handle.stat({ bigint: true })
      const etag = etagOf(stat)
      const serverTime = new Date()
      if (opts.ifNoneMatch !== undefined && unquoteEtag(opts.ifNoneMatch) === etag) {
        return { notModified: true, key, etag, serverTime }
      }
      const body = new Uint8Array(await handle.readFile())
      return { notModified: false, key, body, etag, lastModified: new Date(Number(stat.mtimeMs)), serverTime }
    } finally {
      await handle.close()
    }
  }

  return {
    name: 'fs',
    root: options.root,
    capabilities: { conditionalDelete: true },
    get,
    async put(key, body, opts: PutOptions = {}) {
      assertValidKey('put', key)
      assertPutConditions(key, opts)
      await init()
      const bytes = toBytes(body)
      return exclusive(key, async () => {
        const { file } = pathOf(key)
        if (opts.ifMatch !== undefined) {
          const current = await statEtag(file)
          if (current !== unquoteEtag(opts.ifMatch)) throw new PreconditionFailed('put', key)
        } else if (opts.ifNoneMatch === '*' && (await statEtag(file)) !== null) {
          throw new PreconditionFailed('put', key)
        }
        const tmp = await writeTemp(bytes)
        await install(tmp, key, opts.ifNoneMatch === '*')
        const etag = await statEtag(file)
        return { etag: etag ?? '' }
      })
    },
    async delete(key, opts = {}) {
      assertValidKey('delete', key)
      await init()
      await exclusive(key, async () => {
        const { dir, file } = pathOf(key)
        if (opts.ifMatch !== undefined) {
          const current = await statEtag(file)
          if (current === null) return
          if (current !== unquoteEtag(opts.ifMatch)) throw new PreconditionFailed('delete', key)
        }
        try {
          await fsp.unlink(file)
        } catch (error) {
          if (isCode(error, 'ENOENT', 'ENOTDIR')) return
          throw error
        }
        await pruneEmpty(dir)
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
            await fsp.unlink(file).catch((e) => {
              if (!isCode(e, 'ENOENT', 'ENOTDIR')) throw e
            })
            await pruneEmpty(dir)
          }).catch((e: Error) => errors.push({ key, code: 'InternalError', message: e.message })),
        ),
      )
      const failed = new Set(errors.map((e) => e.key))
      return { deleted: keys.filter((k) => !failed.has(k)), errors }
    },
    async list(prefix, opts = {}) {
      assertPageSize('list', opts.limit)
      await init()
      const segments = prefix.split('/')
      segments.pop()
      let dir = objectsDir
      let keyPrefix = ''
      for (const segment of segments) {
        dir = join(dir, encodeSegment(segment) + DIR_SUFFIX)
        keyPrefix += `${segment}/`
      }
      const keys: string[] = []
      await walk(dir, keyPrefix, prefix, keys)
      keys.sort(compareUtf8)
      const page = await pageFromSorted(keys, prefix, opts, async (key) => {
        try {
          const stat = await fsp.stat(pathOf(key).file, { bigint: true })
          return { key, lastModified: new Date(Number(stat.mtimeMs)), size: Number(stat.size), etag: etagOf(stat) }
        } catch (error) {
          if (isCode(error, 'ENOENT', 'ENOTDIR')) return null
          throw error
        }
      })
      return { ...page, serverTime: new Date() }
    },
  }
}
