import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { MAX_UPLOAD_NAME_BYTES, parseUploadKey, safeFilename, sanitizeFilename, uploadKeyFor } from '../src/upload-key.js'

const now = new Date('2026-11-26T23:30:00Z')
const id = '0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b'
const key = (filename: string, contentType?: string) => uploadKeyFor(filename, { id, now, ...(contentType ? { contentType } : {}) })
const bytes = (text: string) => new TextEncoder().encode(text).length

function keyError(filename: string, options: Parameters<typeof uploadKeyFor>[1]): unknown {
  try {
    uploadKeyFor(filename, options)
  } catch (e) {
    return e
  }
  throw new Error('uploadKeyFor accepted the input')
}

describe('uploadKeyFor', () => {
  it('files uploads under the UTC date as {uuid}{ext}', () => {
    expect(key('cat.png')).toBe(`uploads/2026/11/26/${id}.png`)
    expect(uploadKeyFor('a.txt', { id, now: new Date('2026-01-05T00:00:00+02:00'), prefix: 'media' })).toBe(`media/2026/01/04/${id}.txt`)
  })

  it('uses a fresh UUIDv7 by default', () => {
    expect(uploadKeyFor('a.txt')).toMatch(
      /^uploads\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.txt$/,
    )
    expect(uploadKeyFor('a.txt')).not.toBe(uploadKeyFor('a.txt'))
  })

  it.each([
    ['../../etc/passwd', ''],
    ['a/b\\c', ''],
    ['C:\\Users\\me\\photo.JPG', '.jpg'],
    ['..', ''],
    ['😀 café 北京.png', '.png'],
    ['what?<is>this*.txt', '.txt'],
    [`${'a'.repeat(5000)}.jpeg`, '.jpeg'],
    ['report.pdf/../x.sh', '.sh'],
  ])('never lets the name %j into the key beyond its extension (%j)', (filename, extension) => {
    const result = key(filename)
    expect(result).toBe(`uploads/2026/11/26/${id}${extension}`)
    expect(result.split('/')).toHaveLength(5)
  })

  it('takes the extension from the content type when the name suggests another type', () => {
    expect(key('cat.jpg', 'image/jpeg')).toMatch(/\.jpg$/)
    expect(key('evil.html', 'image/png')).toMatch(/\.png$/)
    expect(key('noext', 'application/pdf')).toMatch(/\.pdf$/)
    expect(key('data.parquet', 'application/octet-stream')).toMatch(/\.parquet$/)
    expect(key('page.html', 'application/octet-stream')).toMatch(/\.bin$/)
    expect(key('x.weird-ext!', 'application/x-unknown-thing')).toBe(`uploads/2026/11/26/${id}`)
  })

  it('rejects ids, dates and prefixes that could escape the folder or break the key', () => {
    for (const options of [
      { id: '../x' },
      { id: '' },
      { id: 'id1' },
      { prefix: '/abs' },
      { prefix: 'a/../b' },
      { prefix: '' },
      { now: new Date('nope') },
    ]) {
      expect(isS3verlessError(keyError('a.txt', options), 'storage.invalidConfig')).toBe(true)
    }
    const long = keyError('a.txt', { prefix: 'p'.repeat(1000), id, now })
    expect(isS3verlessError(long, 'storage.invalidConfig')).toBe(true)
    expect(bytes(uploadKeyFor('a.jpeg', { prefix: 'p'.repeat(960), id, now }))).toBeLessThanOrEqual(1024)
  })
})

describe('parseUploadKey', () => {
  it('reads back the parts of a key it made', () => {
    expect(parseUploadKey(key('cat.png'), 'uploads/')).toEqual({ id, date: '2026/11/26', extension: '.png' })
    expect(parseUploadKey(`uploads/2026/11/26/${id}`, 'uploads/')).toEqual({ id, date: '2026/11/26', extension: '' })
  })

  it.each([
    `s3verless-data/users/${id}.json`,
    `s3verless-data/uploads/${id}.json`,
    `uploads/2026/11/26/${id}.png/extra`,
    `uploads/2026/11/26/../../s3verless-data/users/${id}.json`,
    `uploads/2026/13/26/${id}.png`,
    `uploads/2026/11/26/${id.toUpperCase()}.png`,
    `uploads/2026/11/26/x-${id}.png`,
    `uploads/26/11/26/${id}.png`,
    `other/2026/11/26/${id}.png`,
    `uploadsx/2026/11/26/${id}.png`,
    '',
  ])('refuses %j', (other) => {
    expect(parseUploadKey(other, 'uploads/')).toBeUndefined()
  })
})

describe('sanitizeFilename and safeFilename', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['a/b\\c', 'c'],
    ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
    ['cat.png/..', 'cat.png'],
    ['report..pdf', 'report.pdf'],
    ['.env', 'env'],
    ['in\u0000voice\u001f.pdf', 'invoice.pdf'],
    ['evil\u202Egpj.exe', 'evilgpj.exe'],
    ['what?<is>this*.txt', 'what__is_this_.txt'],
    ['  many    spaces .txt  ', 'many spaces .txt'],
    ['😀 café 北京.png', '😀 café 北京.png'],
    ['👨‍👩‍👧.gif', '👨‍👩‍👧.gif'],
    ['cafe\u0301.txt', 'caf\u00e9.txt'],
  ])('makes %j safe (%s)', (filename, name) => {
    expect(sanitizeFilename(filename)).toBe(name)
    expect(safeFilename(filename)).toBe(name)
  })

  it('falls back to "file" when nothing usable is left', () => {
    expect(sanitizeFilename('/../. /')).toBe('')
    expect(sanitizeFilename('\uD800')).toBe('')
    expect(safeFilename('..')).toBe('file')
  })

  it('keeps hostile long names within 255 bytes, keeping the extension and whole characters', () => {
    const long = safeFilename(`${'a'.repeat(2000)}.jpeg`)
    expect(long.endsWith('.jpeg')).toBe(true)
    expect(bytes(long)).toBe(MAX_UPLOAD_NAME_BYTES)
    const emoji = safeFilename(`${'😀'.repeat(2000)}.png`)
    expect(bytes(emoji)).toBeLessThanOrEqual(MAX_UPLOAD_NAME_BYTES)
    expect(emoji).toMatch(/^(😀)+\.png$/u)
  })
})
