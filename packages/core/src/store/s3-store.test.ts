import type { S3Client } from '@aws-sdk/client-s3'
import { describe, expect, it } from 'vitest'
import { isS3verlessError } from '../errors.js'
import { s3Store } from './s3-store.js'

/** A stand-in client that answers each request from a script: fast checks of retry and error mapping. */
function scriptedClient(answers: ((command: { input: Record<string, unknown> }) => unknown)[]) {
  const seen: { name: string; input: Record<string, unknown> }[] = []
  const client = {
    async send(command: { input: Record<string, unknown>; constructor: { name: string } }) {
      seen.push({ name: command.constructor.name, input: command.input })
      const answer = answers.shift()
      if (!answer) throw new Error('no scripted answer left')
      return answer(command)
    },
  }
  return { client: client as unknown as S3Client, seen }
}

const sdkError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } })
const fail = (name: string, status: number) => () => {
  throw sdkError(name, status)
}
const retry = { baseDelayMs: 1, maxDelayMs: 2 }

describe('s3Store (scripted client)', () => {
  it('retries throttling and 5xx with backoff, then succeeds', async () => {
    const { client, seen } = scriptedClient([fail('SlowDown', 503), fail('InternalError', 500), () => ({ ETag: '"abc"' })])
    const store = s3Store({ client, bucket: 'b', retry })
    await expect(store.put('k', 'v')).resolves.toEqual({ etag: 'abc' })
    expect(seen).toHaveLength(3)
    expect(store.stats.snapshot()).toMatchObject({ retries: 2, totalRequests: 3, errors: { 'store.throttled': 1, 'store.unavailable': 1 } })
  })

  it('reports missing credentials as settings.invalid naming the variables, without retrying', async () => {
    const noCredentials = () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' })
    }
    const { client, seen } = scriptedClient([noCredentials])
    const store = s3Store({ client, bucket: 'b', retry })
    const error = await store.get('k').catch((e) => e)
    expect(error.code).toBe('settings.invalid')
    expect(error.message).toMatch(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/)
    expect(error.details.variables).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'])
    expect(seen).toHaveLength(1)
  })

  it('never retries a failed precondition', async () => {
    const { client, seen } = scriptedClient([fail('PreconditionFailed', 412)])
    const store = s3Store({ client, bucket: 'b', retry })
    const error = await store.put('k', 'v', { ifNoneMatch: '*' }).catch((e) => e)
    expect(isS3verlessError(error, 'store.preconditionFailed')).toBe(true)
    expect(seen).toHaveLength(1)
  })

  it('does not blindly retry a conditional write that met a 5xx; Ceph losers become conflicts', async () => {
    const aws = scriptedClient([fail('InternalError', 500)])
    const e1 = await s3Store({ client: aws.client, bucket: 'b', retry })
      .put('k', 'v', { ifNoneMatch: '*' })
      .catch((e) => e)
    expect(isS3verlessError(e1, 'store.unavailable')).toBe(true)
    expect(aws.seen).toHaveLength(1)
    const ceph = scriptedClient([fail('UnknownError', 500)])
    const e2 = await s3Store({ client: ceph.client, bucket: 'b', retry, provider: 'ceph' })
      .put('k', 'v', { ifMatch: 'abc' })
      .catch((e) => e)
    expect(isS3verlessError(e2, 'store.conflict')).toBe(true)
  })

  it('maps 409 to a conflict and 403 to access denied, giving up after the attempts run out', async () => {
    const c = scriptedClient([
      fail('ConditionalRequestConflict', 409),
      fail('AccessDenied', 403),
      ...Array(4).fill(fail('InternalError', 500)),
    ])
    const store = s3Store({ client: c.client, bucket: 'b', retry })
    expect((await store.put('k', 'v', { ifMatch: 'x' }).catch((e) => e)).code).toBe('store.conflict')
    expect((await store.get('k').catch((e) => e)).code).toBe('store.accessDenied')
    expect((await store.get('k').catch((e) => e)).code).toBe('store.unavailable')
    expect(c.seen).toHaveLength(6)
  })

  it('quotes etags in If-Match for AWS and leaves them bare for Ceph', async () => {
    const aws = scriptedClient([() => ({ ETag: '"n"' })])
    await s3Store({ client: aws.client, bucket: 'b' }).put('k', 'v', { ifMatch: 'abc' })
    expect(aws.seen[0]?.input.IfMatch).toBe('"abc"')
    const ceph = scriptedClient([() => ({ ETag: '"n"' })])
    await s3Store({ client: ceph.client, bucket: 'b', provider: 'ceph' }).put('k', 'v', { ifMatch: '"abc"' })
    expect(ceph.seen[0]?.input.IfMatch).toBe('abc')
  })

  it('turns a 404 to If-Match into a failed precondition, as RGW answers it', async () => {
    const c = scriptedClient([fail('NoSuchKey', 404)])
    const error = await s3Store({ client: c.client, bucket: 'b' })
      .put('k', 'v', { ifMatch: 'abc' })
      .catch((e) => e)
    expect(isS3verlessError(error, 'store.preconditionFailed')).toBe(true)
  })
})
