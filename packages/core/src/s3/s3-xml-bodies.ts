import { md5 } from './md5.js'
import { elementsOf, escapeXmlText, textOf } from './xml-reader.js'

/** One listed object as S3 reports it (key already decoded). */
export interface ListedEntry {
  key: string
  lastModified: Date | undefined
  size: number
  etag: string | undefined
}

/** A ListObjectsV2 answer, read from its XML. */
export interface ListResult {
  contents: ListedEntry[]
  commonPrefixes: string[]
  nextContinuationToken: string | undefined
  isTruncated: boolean
}

/** Decodes a value S3 sent under `encoding-type=url` (form encoding: `+` is a space). */
const urlDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '))

/** Reads a ListObjectsV2 answer requested with `encoding-type=url`. */
export function readListResult(xml: string): ListResult {
  const contents = elementsOf(xml, 'Contents').map((entry) => {
    const modified = textOf(entry, 'LastModified')
    return {
      key: urlDecode(textOf(entry, 'Key') ?? ''),
      lastModified: modified ? new Date(modified) : undefined,
      size: Number(textOf(entry, 'Size') ?? 0),
      etag: textOf(entry, 'ETag'),
    }
  })
  const commonPrefixes = elementsOf(xml, 'CommonPrefixes').map((entry) => urlDecode(textOf(entry, 'Prefix') ?? ''))
  const token = textOf(xml, 'NextContinuationToken')
  return { contents, commonPrefixes, nextContinuationToken: token || undefined, isTruncated: textOf(xml, 'IsTruncated') === 'true' }
}

/** Reads the per-key errors of a DeleteObjects answer (quiet mode lists only failures). */
export function readDeleteErrors(xml: string): { key: string; code: string; message: string }[] {
  return elementsOf(xml, 'Error').map((entry) => ({
    key: textOf(entry, 'Key') ?? '',
    code: textOf(entry, 'Code') ?? 'Unknown',
    message: textOf(entry, 'Message') ?? '',
  }))
}

/** The XML body of a quiet DeleteObjects request, with the `Content-MD5` S3 demands for it. */
export function deleteObjectsBody(keys: readonly string[]): { body: Uint8Array; contentMd5: string } {
  const objects = keys.map((key) => `<Object><Key>${escapeXmlText(key)}</Key></Object>`).join('')
  const body = new TextEncoder().encode(`<?xml version="1.0" encoding="UTF-8"?><Delete><Quiet>true</Quiet>${objects}</Delete>`)
  return { body, contentMd5: btoa(String.fromCharCode(...md5(body))) }
}
