import { isS3verlessError, type S3verlessError } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { UploadConfig, type UploadConfigInput, uploadConfig } from '../src/upload-config.js'

function configError(input: unknown): S3verlessError {
  try {
    uploadConfig(input as UploadConfigInput)
  } catch (e) {
    if (isS3verlessError(e, 'storage.invalidConfig')) return e
    throw e
  }
  throw new Error('uploadConfig accepted the input')
}

describe('uploadConfig', () => {
  it('fills in the documented defaults', () => {
    expect(uploadConfig()).toEqual({
      maxFileSize: 10 * 1024 * 1024,
      allowedContentTypes: [],
      expirationSeconds: 3600,
      keyPrefix: 'uploads/',
    })
  })

  it('normalises media types and the prefix, and freezes the result', () => {
    const config = uploadConfig({ allowedContentTypes: [' Image/PNG', 'image/png', 'image/*'], keyPrefix: 'media/avatars' })
    expect(config.allowedContentTypes).toEqual(['image/png', 'image/*'])
    expect(config.keyPrefix).toBe('media/avatars/')
    expect(Object.isFrozen(config) && Object.isFrozen(config.allowedContentTypes)).toBe(true)
  })

  it('is the spec\'s UploadConfig class too, and accepts null for "any type"', () => {
    const config = new UploadConfig({ maxFileSize: 2048, allowedContentTypes: null, expirationSeconds: 60, keyPrefix: 'files' })
    expect(config).toBeInstanceOf(UploadConfig)
    expect(config).toEqual({ maxFileSize: 2048, allowedContentTypes: [], expirationSeconds: 60, keyPrefix: 'files/' })
    expect(uploadConfig(config)).toBe(config)
  })

  it.each([
    [{ maxFileSize: 0 }, 'maxFileSize must be a positive whole number of bytes, got 0'],
    [{ maxFileSize: 1.5 }, 'maxFileSize must be a positive whole number of bytes, got 1.5'],
    [{ maxFileSize: '10MB' }, 'maxFileSize must be a positive whole number of bytes, got 10MB'],
    [{ allowedContentTypes: ['png'] }, 'allowedContentTypes entry "png" is not a media type'],
    [{ allowedContentTypes: 'image/png' }, 'allowedContentTypes must be an array'],
    [{ expirationSeconds: 0 }, 'expirationSeconds must be a whole number of seconds from 1 to 604800'],
    [{ expirationSeconds: 8 * 24 * 3600 }, 'expirationSeconds must be a whole number of seconds from 1 to 604800'],
    [{ keyPrefix: '/uploads' }, 'keyPrefix must not start with "/"'],
    [{ keyPrefix: '' }, 'keyPrefix must not be empty'],
    [{ keyPrefix: 'uploads/../secrets' }, 'keyPrefix must not contain empty, "." or ".." segments'],
    [{ keyPrefix: 'a//b' }, 'keyPrefix must not contain empty, "." or ".." segments'],
  ])('rejects %j', (input, message) => {
    expect(configError(input).message).toContain(message)
  })

  it('reports every bad field at once', () => {
    const error = configError({ maxFileSize: -1, expirationSeconds: 0 })
    expect(error.details.problems).toEqual([
      { field: 'maxFileSize', message: expect.any(String) },
      { field: 'expirationSeconds', message: expect.any(String) },
    ])
  })
})
