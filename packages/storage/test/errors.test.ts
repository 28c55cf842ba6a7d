import { ERROR_CODES } from '@s3verless/core'
import { describe, expect, it } from 'vitest'
import { STORAGE_ERRORS } from '../src/errors.js'

describe('STORAGE_ERRORS', () => {
  it('is the storage part of core’s ERROR_CODES, with the same statuses and meanings', () => {
    const inCore = Object.fromEntries(Object.entries(ERROR_CODES).filter(([code]) => code.startsWith('storage.')))
    expect(inCore).toEqual(STORAGE_ERRORS)
  })
})
