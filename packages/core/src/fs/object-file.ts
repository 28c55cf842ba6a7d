import { randomBytes } from 'node:crypto'
import { close, fstat, open, read, readFile, type Stats } from 'node:fs'
import { promisify } from 'node:util'

/**
 * The file holding one object: a header, then the body.
 *
 *   bytes 0–3   `S3VO`            marks an fsStore object file
 *   byte  4     1                 header version
 *   bytes 5–20  16 random bytes   the etag (hex), new on every write
 *   bytes 21–22 n (big-endian)    length of the key
 *   then        the key (UTF-8)   so that a file whose name had to be hashed still knows its key
 *   then        the body
 *
 * The etag lives in the file because nothing the file system keeps is unique per write: inodes are
 * reused as soon as a file is replaced, and many file systems keep modification times in whole
 * seconds (HFS+, ext3, FAT) or coarse ticks.
 */
const MAGIC = [0x53, 0x33, 0x56, 0x4f] // 'S3VO'
const VERSION = 1
const TAG_AT = 5
const TAG_BYTES = 16
const KEY_LENGTH_AT = TAG_AT + TAG_BYTES
/** Bytes before the key. */
const FIXED = KEY_LENGTH_AT + 2
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** What the header of an object file says. */
export interface ObjectHeader {
  readonly etag: string
  /** Header bytes, key included: the body starts here. */
  readonly length: number
  /** The key, when it was asked for. */
  readonly key?: string
}

/** A header for a new write of `key`, with a fresh random etag. */
export function newHeader(key: string): { bytes: Uint8Array; etag: string } {
  const keyBytes = encoder.encode(key)
  const bytes = new Uint8Array(FIXED + keyBytes.length)
  bytes.set(MAGIC, 0)
  bytes[4] = VERSION
  const tag = randomBytes(TAG_BYTES)
  bytes.set(tag, TAG_AT)
  new DataView(bytes.buffer).setUint16(KEY_LENGTH_AT, keyBytes.length)
  bytes.set(keyBytes, FIXED)
  return { bytes, etag: tag.toString('hex') }
}

function parseFixed(bytes: Uint8Array, path: string): { etag: string; keyLength: number } {
  if (bytes.length < FIXED || MAGIC.some((b, i) => bytes[i] !== b) || bytes[4] !== VERSION) {
    throw new Error(`fsStore: ${path} is not an object file this version can read`)
  }
  const etag = Buffer.from(bytes.buffer, bytes.byteOffset + TAG_AT, TAG_BYTES).toString('hex')
  return { etag, keyLength: new DataView(bytes.buffer, bytes.byteOffset).getUint16(KEY_LENGTH_AT) }
}

// The callback API on plain descriptors: several times cheaper than `FileHandle`s when listing.
const openFd = promisify(open)
const readAt = promisify(read)
const statFd = promisify(fstat)
const closeFd = promisify(close)
const readAll = promisify(readFile)

const isMissing = (error: unknown) => ['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException)?.code ?? '')

/** Runs `use` on the open file at `path`; `null` when there is no such file. */
async function withFile<T>(path: string, use: (fd: number) => Promise<T>): Promise<T | null> {
  let fd: number
  try {
    fd = await openFd(path, 'r')
  } catch (error) {
    if (isMissing(error)) return null
    throw error
  }
  try {
    return await use(fd)
  } finally {
    await closeFd(fd)
  }
}

async function headerOf(fd: number, path: string, withKey: boolean): Promise<ObjectHeader> {
  const fixed = new Uint8Array(FIXED)
  const { bytesRead } = await readAt(fd, fixed, 0, FIXED, 0)
  const { etag, keyLength } = parseFixed(fixed.subarray(0, bytesRead), path)
  const length = FIXED + keyLength
  if (!withKey) return { etag, length }
  const key = new Uint8Array(keyLength)
  await readAt(fd, key, 0, keyLength, FIXED)
  return { etag, length, key: decoder.decode(key) }
}

/** The etag of the object file at `path`; `null` when there is none. */
export async function readEtag(path: string): Promise<string | null> {
  return withFile(path, async (fd) => (await headerOf(fd, path, false)).etag)
}

/** The header of the object file at `path` (with the key if asked), and its `stat`; `null` when there is none. */
export function readObjectHead(path: string, withKey = false): Promise<{ header: ObjectHeader; stat: Stats } | null> {
  return withFile(path, async (fd) => ({ header: await headerOf(fd, path, withKey), stat: await statFd(fd) }))
}

/** What {@link readObject} found. */
export type ObjectRead =
  | { readonly notModified: true; readonly etag: string }
  | { readonly notModified: false; readonly etag: string; readonly body: Uint8Array; readonly modified: Date }

/**
 * The object in the file at `path`: its etag, body (a plain `Uint8Array`) and modification time, or
 * only "not modified" when its etag equals `ifNoneMatch`; `null` when there is no such file.
 */
export function readObject(path: string, ifNoneMatch?: string): Promise<ObjectRead | null> {
  return withFile(path, async (fd): Promise<ObjectRead> => {
    if (ifNoneMatch !== undefined) {
      const { etag } = await headerOf(fd, path, false)
      if (etag === ifNoneMatch) return { notModified: true, etag }
    }
    const stat = await statFd(fd)
    const contents = await readAll(fd) // from the start: positioned reads leave the position at 0
    const { etag, keyLength } = parseFixed(contents, path)
    return { notModified: false, etag, body: new Uint8Array(contents.subarray(FIXED + keyLength)), modified: stat.mtime }
  })
}
