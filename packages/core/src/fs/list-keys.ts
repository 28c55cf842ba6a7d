import { promises as fsp } from 'node:fs'
import { join } from 'node:path'
import { DIR_SUFFIX, decodeSegment, encodeSegment, isHashedName, OBJECT_SUFFIX } from './key-paths.js'
import { readObjectHead } from './object-file.js'

const isCode = (error: unknown, ...codes: string[]) => codes.includes((error as NodeJS.ErrnoException)?.code ?? '')

/** The key recorded in an object file; `null` when the file is gone (deleted meanwhile). */
const keyInFile = async (path: string) => (await readObjectHead(path, true))?.header.key ?? null

/**
 * Every key starting with `prefix` under `objectsDir`, unsorted. Names are decoded from file names;
 * where a segment had to be hashed, keys come from the object files themselves (their header).
 */
export async function listKeys(objectsDir: string, prefix: string): Promise<string[]> {
  const segments = prefix.split('/')
  segments.pop()
  let dir = objectsDir
  let keyPrefix = ''
  for (const segment of segments) {
    dir = join(dir, encodeSegment(segment) + DIR_SUFFIX)
    keyPrefix += `${segment}/`
  }
  const out: string[] = []
  await walk(dir, keyPrefix, prefix, out)
  return out
}

/**
 * Adds to `out` every key under `dir` that starts with `want`. `keyPrefix` is the key prefix `dir`
 * stands for, or `undefined` below a hashed folder name whose text is not known.
 */
async function walk(dir: string, keyPrefix: string | undefined, want: string, out: string[]): Promise<void> {
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
        const name = entry.slice(0, -OBJECT_SUFFIX.length)
        const key = keyPrefix !== undefined && !isHashedName(name) ? keyPrefix + decodeSegment(name) : await keyInFile(join(dir, entry))
        if (key?.startsWith(want)) out.push(key)
      } else if (entry.endsWith(DIR_SUFFIX)) {
        const name = entry.slice(0, -DIR_SUFFIX.length)
        const sub = folderPrefix(name, keyPrefix, want)
        if (sub === null) return
        if (sub === undefined || sub.startsWith(want) || want.startsWith(sub)) await walk(join(dir, entry), sub, want, out)
      }
    }),
  )
}

/**
 * The key prefix of the folder `name` inside one standing for `keyPrefix`: `undefined` when its name
 * is hashed and `want` does not say its text (the keys below are then read from their files), `null`
 * when no key below it can start with `want`.
 */
function folderPrefix(name: string, keyPrefix: string | undefined, want: string): string | undefined | null {
  if (keyPrefix === undefined) return undefined
  if (!isHashedName(name)) return `${keyPrefix}${decodeSegment(name)}/`
  if (!want.startsWith(keyPrefix)) return undefined
  const rest = want.slice(keyPrefix.length)
  const cut = rest.indexOf('/')
  if (cut < 0) return undefined
  const segment = rest.slice(0, cut)
  return encodeSegment(segment) === name ? `${keyPrefix}${segment}/` : null
}
