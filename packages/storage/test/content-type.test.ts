import { describe, expect, it } from 'vitest'
import { guessContentType, keyExtension, normalizeContentType } from '../src/content-type.js'

describe('content types', () => {
  it('guesses the type from the extension, in any case, else application/octet-stream', () => {
    expect(guessContentType('photo.JPG')).toBe('image/jpeg')
    expect(guessContentType('C:\\docs\\report.pdf')).toBe('application/pdf')
    expect(guessContentType('notes.txt')).toBe('text/plain')
    expect(guessContentType('archive.tar.gz')).toBe('application/gzip')
    expect(guessContentType('README')).toBe('application/octet-stream')
    expect(guessContentType('.env')).toBe('application/octet-stream')
    expect(guessContentType('data.unknown-ext')).toBe('application/octet-stream')
  })

  it('normalises well-formed types and refuses anything that could break a header', () => {
    expect(normalizeContentType(' Text/Plain;charset=UTF-8')).toBe('text/plain; charset=UTF-8')
    expect(normalizeContentType('image/svg+xml')).toBe('image/svg+xml')
    expect(normalizeContentType('text/plain; charset="utf-8"')).toBe('text/plain; charset="utf-8"')
    expect(normalizeContentType('text/plain\n')).toBe('text/plain') // surrounding whitespace is trimmed, never sent
    for (const bad of [
      'text/plain\r\nx: y',
      'text/plain\r\n\r\nbody',
      'text/plain; charset=a\nb',
      'text',
      '*/*',
      'image/*',
      'text/plain; a',
      'a/b; c="d\r"',
      '',
      'x'.repeat(300),
    ]) {
      expect(normalizeContentType(bad)).toBeUndefined()
    }
    expect(normalizeContentType(42)).toBeUndefined()
  })

  it('picks key extensions that never suggest another type than the object has', () => {
    expect(keyExtension('a.JPG', 'image/jpeg')).toBe('.jpg')
    expect(keyExtension('a.jpeg', 'image/jpeg')).toBe('.jpeg')
    expect(keyExtension('a.html', 'image/png')).toBe('.png')
    expect(keyExtension('a.svg', 'text/plain; charset=utf-8')).toBe('.txt')
    expect(keyExtension('a', 'image/png')).toBe('.png')
    expect(keyExtension('a', 'application/octet-stream')).toBe('')
  })
})
