import { instrumentStore, isS3verlessError, memoryStore } from '@s3verless/core'
import { PresignedUploadService, type PresignedUploadServiceOptions } from '../src/index.js'

/** A fixed id for keys made by hand. */
export const ID = '0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b'
export const bytes = (text: string) => new TextEncoder().encode(text)

/** `code` of an S3verless error (and `details.rule` when there is one), or what else was thrown. */
export async function failure(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise)
  } catch (e) {
    if (!isS3verlessError(e)) throw e
    return e.details.rule === undefined ? e.code : `${e.code}:${String(e.details.rule)}`
  }
  throw new Error('expected a failure')
}

/** A memory store with a settable clock (ms), counted, and an upload service for images up to 1 KiB. */
export function memorySetup(
  options: Omit<PresignedUploadServiceOptions, 'config'> & { config?: PresignedUploadServiceOptions['config'] } = {},
) {
  let clock = Date.parse('2026-11-26T12:00:00Z')
  const memory = memoryStore({ now: () => clock })
  const store = instrumentStore(memory, { record: true })
  const service = new PresignedUploadService({
    config: { maxFileSize: 1024, allowedContentTypes: ['image/*', 'text/plain'], expirationSeconds: 60 },
    cleanupMarginSeconds: 600,
    now: () => new Date(clock),
    ...options,
  })
  return {
    memory,
    store,
    service,
    advance: (seconds: number) => {
      clock += seconds * 1000
    },
  }
}
