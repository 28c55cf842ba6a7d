import { createHash } from 'node:crypto'

/**
 * Characters kept as they are in file names; everything else is %XX-escaped (UTF-8 bytes), capital
 * letters included, so that no two names differ only in case: a case-insensitive file system (the
 * default on macOS and Windows) would take them for one file. The escapes' own hex digits are always
 * capitals, and nothing else is, so names stay distinct with case ignored.
 */
const PLAIN = /^[a-z0-9_-]$/
const MAX_NAME = 240
const encoder = new TextEncoder()

/** The file-system name of one key segment, without its `.o`/`.d` suffix. Injective; never contains `.` or `/`. */
export function encodeSegment(segment: string): string {
  let out = ''
  for (const char of segment) {
    if (PLAIN.test(char)) out += char
    else for (const byte of encoder.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out.length <= MAX_NAME ? out : `~${createHash('sha256').update(segment).digest('hex')}`
}

/** Reverses {@link encodeSegment} for names that are not hashed (`~…`). */
export function decodeSegment(name: string): string {
  return decodeURIComponent(name)
}

/**
 * True for a segment name that had to be hashed (too long for a file name). The segment's text is
 * then known from the key recorded in each object file (`object-file.ts`), or from the key asked for.
 */
export const isHashedName = (name: string): boolean => name.startsWith('~')

/** Suffix of an object file and of a directory holding deeper keys. */
export const OBJECT_SUFFIX = '.o'
export const DIR_SUFFIX = '.d'

/** Relative path segments (file-system names) of a key. */
export function keyToPath(key: string): { dirs: string[]; file: string } {
  const segments = key.split('/')
  const last = segments.pop() as string
  return { dirs: segments.map((s) => encodeSegment(s) + DIR_SUFFIX), file: encodeSegment(last) + OBJECT_SUFFIX }
}
