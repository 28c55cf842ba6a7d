import { isS3verlessError, type S3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { uploadConfig } from '../src/upload-config.js'
import { type UploadRequest, validateUpload } from '../src/validate-upload.js'

const images = uploadConfig({ maxFileSize: 1024 * 1024, allowedContentTypes: ['image/png', 'image/jpeg'] })
const ok: UploadRequest = { filename: 'cat.png', contentType: 'image/png', size: 1000 }

function rejection(config = images, request: UploadRequest = ok): S3verlessError {
  try {
    validateUpload(config, request)
  } catch (e) {
    if (isS3verlessError(e, 'storage.rejected')) return e
    throw e
  }
  throw new Error('validateUpload accepted the upload')
}

describe('validateUpload', () => {
  it('accepts an upload within every rule, up to exactly the size limit', () => {
    expect(() => validateUpload(images, ok)).not.toThrow()
    expect(() => validateUpload(images, { ...ok, size: 1024 * 1024 })).not.toThrow()
    expect(() => validateUpload(images, { ...ok, size: 0 })).not.toThrow()
  })

  it('rejects a file over the size limit, saying how big it is and what the limit is', () => {
    const error = rejection(images, { ...ok, size: 1024 * 1024 + 1 })
    expect(error.details.rule).toBe('size')
    expect(error.message).toBe('Upload "cat.png" rejected: the file is 1048577 bytes (1.0 MiB); the limit is 1048576 bytes (1 MiB)')
  })

  it('rejects a size that is not a whole number of bytes', () => {
    for (const size of [-1, 1.5, Number.NaN]) expect(rejection(images, { ...ok, size }).details.rule).toBe('size')
  })

  it('rejects a content type outside the allowed list, ignoring case and parameters', () => {
    const error = rejection(images, { ...ok, contentType: 'image/gif' })
    expect(error.details.rule).toBe('contentType')
    expect(error.message).toContain('content type "image/gif" is not allowed; allowed: image/png, image/jpeg')
    expect(() => validateUpload(images, { ...ok, contentType: 'IMAGE/PNG; foo=bar' })).not.toThrow()
    expect(rejection(images, { ...ok, contentType: '' }).details.rule).toBe('contentType')
  })

  it('admits a whole family with type/*, and anything when the list is empty', () => {
    const anyImage = uploadConfig({ allowedContentTypes: ['image/*'] })
    expect(() => validateUpload(anyImage, { ...ok, contentType: 'image/webp' })).not.toThrow()
    expect(rejection(anyImage, { ...ok, contentType: 'text/plain' }).details.rule).toBe('contentType')
    expect(rejection(anyImage, { ...ok, contentType: 'image' }).details.rule).toBe('contentType')
    expect(() => validateUpload(uploadConfig(), { ...ok, contentType: 'application/x-anything' })).not.toThrow()
  })

  it('rejects a malformed content type before looking at the list', () => {
    for (const contentType of ['image/png\r\nX-Injected: 1', 'image/*', 'image', 'image/png; charset', 'a/b;c=d"e']) {
      const error = rejection(uploadConfig(), { ...ok, contentType })
      expect(error.details.rule).toBe('contentType')
      expect(error.message).toContain('is not a media type')
    }
  })

  it.each([
    ['  ', 'the filename is empty'],
    ['../../etc/passwd', 'climbs folders'],
    ['a\\..\\b.png', 'climbs folders'],
    ['invoice\u202Efdp.exe', 'bidirectional-override'],
    ['in\u0000voice.pdf', 'control'],
    ['/./', 'nothing usable is left'],
  ])('rejects the unsafe filename %j', (filename, message) => {
    const error = rejection(images, { ...ok, filename })
    expect(error.details.rule).toBe('filename')
    expect(error.message).toContain(message)
  })

  it('accepts names it can make safe: a Windows path keeps its last segment', () => {
    for (const filename of ['C:\\Users\\me\\cat.png', 'what?<is>this.png', '😀 café.png']) {
      expect(() => validateUpload(images, { ...ok, filename })).not.toThrow()
    }
  })
})
