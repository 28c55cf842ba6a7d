import { isS3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { sanitizeFilename, uploadKeyFor } from './upload-key.js'

const now = new Date('2026-11-26T23:30:00Z')
const key = (filename: string, prefix?: string) => uploadKeyFor(filename, { id: 'id1', now, ...(prefix === undefined ? {} : { prefix }) })
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
  it('files uploads under the UTC date with the id before the name', () => {
    expect(key('cat.png')).toBe('uploads/2026/11/26/id1-cat.png')
    expect(uploadKeyFor('a.txt', { id: 'x', now: new Date('2026-01-05T00:00:00+02:00'), prefix: 'media' })).toBe('media/2026/01/04/x-a.txt')
  })

  it('uses a fresh UUID by default', () => {
    expect(uploadKeyFor('a.txt')).toMatch(/^uploads\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}-a\.txt$/)
    expect(uploadKeyFor('a.txt')).not.toBe(uploadKeyFor('a.txt'))
  })

  it.each([
    ['../../etc/passwd', 'passwd'],
    ['a/b\\c', 'c'],
    ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
    ['..', 'file'],
    ['../..', 'file'],
    ['cat.png/..', 'cat.png'],
    ['', 'file'],
    ['report..pdf', 'report.pdf'],
    ['.env', 'env'],
    ['in\u0000voice\u001f.pdf', 'invoice.pdf'],
    ['evil\u202Egpj.exe', 'evilgpj.exe'],
    ['what?<is>this*.txt', 'what__is_this_.txt'],
    ['  many    spaces .txt  ', 'many spaces .txt'],
    ['😀 café 北京.png', '😀 café 北京.png'],
    ['👨‍👩‍👧.gif', '👨‍👩‍👧.gif'],
    ['cafe\u0301.txt', 'caf\u00e9.txt'],
  ])('turns %j into a safe name (%s)', (filename, name) => {
    const result = key(filename)
    expect(result).toBe(`uploads/2026/11/26/id1-${name}`)
    expect(result.split('/')).not.toContain('..')
  })

  it('keeps hostile long names within the key and file-name limits, keeping the extension', () => {
    const result = key(`${'a'.repeat(2000)}.jpeg`)
    expect(result.endsWith('.jpeg')).toBe(true)
    expect(bytes(result.slice('uploads/2026/11/26/id1-'.length))).toBe(255)
    const emoji = key(`${'😀'.repeat(2000)}.png`)
    expect(bytes(emoji.slice('uploads/2026/11/26/id1-'.length))).toBeLessThanOrEqual(255)
    expect(emoji).toMatch(/^uploads\/2026\/11\/26\/id1-(😀)+\.png$/u) // no emoji cut in half
  })

  it('stays under 1024 UTF-8 bytes even under a long prefix', () => {
    const prefix = `${'p'.repeat(900)}/`
    const result = key('x'.repeat(2000), prefix)
    expect(bytes(result)).toBe(1024)
    const longPrefix = keyError('a.txt', { prefix: 'p'.repeat(1010), id: 'id1', now })
    expect(isS3verlessError(longPrefix, 'upload.invalidKey')).toBe(true)
  })

  it('rejects ids and prefixes that could escape the folder', () => {
    for (const options of [{ id: '../x' }, { id: '' }, { prefix: '/abs' }, { prefix: 'a/../b' }, { now: new Date('nope') }]) {
      expect(isS3verlessError(keyError('a.txt', options), 'upload.invalidKey')).toBe(true)
    }
  })
})

describe('sanitizeFilename', () => {
  it('returns an empty string when nothing usable is left', () => {
    expect(sanitizeFilename('/../. /')).toBe('')
    expect(sanitizeFilename('\uD800')).toBe('')
  })
})
