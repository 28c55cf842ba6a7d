import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { decodeMetadata, encodeMetadata, MAX_METADATA_BYTES } from '../src/metadata.js'

const rule = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    if (isS3verlessError(e)) return `${e.code}:${String(e.details.rule)}`
    throw e
  }
  return 'accepted'
}

describe('upload metadata', () => {
  it('round-trips any text as ASCII headers, with the file name and the bound user', () => {
    const encoded = encodeMetadata('café.png', 'user-1', { album: 'Été 2026', 'x-id': '7' })
    for (const value of Object.values(encoded)) expect(value).toMatch(/^[\x21-\x7e]+$/)
    expect(decodeMetadata(encoded)).toEqual({ filename: 'café.png', uploadedBy: 'user-1', user: { album: 'Été 2026', 'x-id': '7' } })
    expect(decodeMetadata(encodeMetadata('a.txt', null, undefined))).toEqual({ filename: 'a.txt', uploadedBy: null, user: {} })
  })

  it('keeps only the entries whose names were signed (a server may store extra unsigned headers)', () => {
    const encoded = encodeMetadata('a.txt', null, { album: 'x' })
    expect(decodeMetadata({ ...encoded, injected: 'evil' }).user).toEqual({ album: 'x' })
    expect(decodeMetadata({ injected: 'evil', 's3v-meta': 'injected' }).uploadedBy).toBeUndefined()
  })

  it('refuses malformed or reserved names and oversized metadata', () => {
    expect(rule(() => encodeMetadata('a', null, { Album: 'x' }))).toBe('storage.rejected:metadata')
    expect(rule(() => encodeMetadata('a', null, { al_bum: 'x' }))).toBe('storage.rejected:metadata')
    expect(rule(() => encodeMetadata('a', null, { 's3v-name': 'x' }))).toBe('storage.rejected:metadata')
    expect(rule(() => encodeMetadata('a', null, { a: 'x'.repeat(MAX_METADATA_BYTES) }))).toBe('storage.rejected:metadata')
    expect(rule(() => encodeMetadata('a', null, { a: 42 as unknown as string }))).toBe('storage.rejected:metadata')
    expect(rule(() => encodeMetadata('a', '', undefined))).toBe('storage.invalidConfig:undefined')
  })
})
