import { describe, expect, it } from 'vitest'
import { presignUrl, signRequest } from './sigv4.js'

// The examples of AWS's SigV4 documentation for S3 (its example keys, bucket and time): the same
// inputs must give the signatures published there. Ceph RGW checks every other signature we make
// (the store conformance suite and the presigned-upload suites run against it).
const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }
const now = new Date('2013-05-24T00:00:00Z')

describe('SigV4 on Web Crypto', () => {
  it('signs a GET with a Range header as AWS documents it', async () => {
    const signed = await signRequest(
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
        headers: { Range: 'bytes=0-9' },
        region: 'us-east-1',
        credentials,
        now,
      },
      undefined,
    )
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    )
    expect(signed.headers['x-amz-content-sha256']).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('presigns a GET as AWS documents it', async () => {
    const url = await presignUrl(
      {
        method: 'GET',
        url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
        headers: {},
        region: 'us-east-1',
        credentials,
        now,
      },
      86_400,
    )
    expect(url.searchParams.get('X-Amz-Signature')).toBe('aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404')
    expect(url.searchParams.get('X-Amz-Credential')).toBe('AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request')
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host')
  })

  it('sends the query exactly as signed: RFC 3986, spaces as %20, sorted; the session token is signed', async () => {
    const signed = await signRequest(
      {
        method: 'GET',
        url: new URL('https://s3.example/b?prefix=a%20b%2Bc~&list-type=2'),
        headers: {},
        region: 'auto',
        credentials: { ...credentials, sessionToken: 'token/1' },
        now,
      },
      undefined,
    )
    expect(signed.url.search).toBe('?list-type=2&prefix=a%20b%2Bc~')
    expect(signed.headers['x-amz-security-token']).toBe('token/1')
    expect(signed.headers.authorization).toContain('SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,')
  })

  it('a different body, header or key gives a different signature', async () => {
    const base = {
      method: 'PUT',
      url: new URL('https://s3.example/b/k'),
      headers: { 'If-None-Match': '*' } as Record<string, string>,
      region: 'us-east-1',
      credentials,
      now,
    }
    const sig = async (input: typeof base, body: string) => (await signRequest(input, body)).headers.authorization
    const first = await sig(base, 'a')
    expect(await sig(base, 'b')).not.toBe(first)
    expect(await sig({ ...base, headers: { 'If-Match': '"x"' } }, 'a')).not.toBe(first)
    expect(await sig({ ...base, url: new URL('https://s3.example/b/k2') }, 'a')).not.toBe(first)
    expect(await sig(base, 'a')).toBe(first)
  })
})
