import { describe, expect, it } from 'vitest'
import { contentDisposition } from '../src/content-disposition.js'

/** Reads filename* back as a browser does (RFC 8187). */
const extValue = (header: string) => decodeURIComponent(/filename\*=UTF-8''([^;]*)$/.exec(header)![1]!)

describe('contentDisposition', () => {
  it('gives an ASCII filename and a UTF-8 filename* (RFC 6266, RFC 8187)', () => {
    const header = contentDisposition('Résumé 北京.pdf')
    expect(header).toBe(`attachment; filename="Resume _.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%E5%8C%97%E4%BA%AC.pdf`)
    expect(extValue(header)).toBe('Résumé 北京.pdf')
    expect(contentDisposition('cat.png', 'inline')).toBe(`inline; filename="cat.png"; filename*=UTF-8''cat.png`)
    expect(contentDisposition(undefined)).toBe('attachment')
  })

  it.each([
    'evil.html"; filename="x.exe',
    'a\r\nSet-Cookie: session=stolen.txt',
    'x.pdf\u0000.exe',
    '..\\..\\windows\\system32\\evil.dll',
    "quote'and%percent;semi.txt",
    'tab\there\u202Etxt.exe',
  ])('cannot be broken out of by the name %j', (name) => {
    const header = contentDisposition(name)
    expect(header).not.toMatch(/\p{Cc}/u)
    expect(header).toMatch(/^attachment; filename="[^"\\]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+.^_`|~%-]*$/)
    expect(extValue(header)).not.toMatch(/[/\\"\p{Cc}\u202e]/u)
  })
})
