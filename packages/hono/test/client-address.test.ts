import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { RateLimit, RateLimiter } from '@s3verless/auth'
import { handle } from 'hono/aws-lambda'
import { describe, expect, it, vi } from 'vitest'
import { cloudflareClientAddress, type S3verlessOptions } from '../src/index.js'
import { makeApp } from './fixtures.js'

/** 3 logins a minute per client, then a 5-minute block, so a 4th bad login is a 429. */
const limiter = () => new RateLimiter({ limits: { login: new RateLimit(3, 60, 300) } })
const badLogin = JSON.stringify({ username: 'nobody', password: 'wrong-password-1' })

/** An app whose client address comes only from the runtime (no test default). */
async function appWith(options: Partial<S3verlessOptions> = {}) {
  return makeApp({ rateLimiter: limiter(), clientAddress: undefined as never, ...options })
}

/** Four bad logins through `send`; the statuses. */
async function fourBadLogins(send: () => Promise<number>): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) statuses.push(await send())
  return statuses
}

function apiGatewayV2(sourceIp: string, headers: Record<string, string> = {}) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/auth/login',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'api.example.com', ...headers },
    requestContext: {
      accountId: '1',
      apiId: 'x',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: 'POST', path: '/auth/login', protocol: 'HTTP/1.1', sourceIp, userAgent: 'test' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '07/Dec/2026:00:00:00 +0000',
      timeEpoch: 0,
    },
    body: badLogin,
    isBase64Encoded: false,
  }
}

function apiGatewayV1(sourceIp: string) {
  return {
    resource: '/{proxy+}',
    path: '/auth/login',
    httpMethod: 'POST',
    headers: { 'content-type': 'application/json', host: 'api.example.com' },
    multiValueHeaders: { 'content-type': ['application/json'], host: ['api.example.com'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      identity: { sourceIp },
      httpMethod: 'POST',
      path: '/auth/login',
      stage: 'prod',
      requestId: 'r',
      resourcePath: '/{proxy+}',
    },
    body: badLogin,
    isBase64Encoded: false,
  }
}

describe('client addresses for rate limits, per runtime', () => {
  it('Lambda: each API Gateway source IP has its own counter (v2 and v1 events); a stranger cannot lock others out', async () => {
    const { app } = await appWith()
    const handler = handle(app)
    const send = async (event: unknown) => ((await handler(event as never, {} as never)) as { statusCode: number }).statusCode
    expect(await fourBadLogins(() => send(apiGatewayV2('198.51.100.1')))).toEqual([401, 401, 401, 429])
    expect(await send(apiGatewayV2('198.51.100.2'))).toBe(401)
    expect(await fourBadLogins(() => send(apiGatewayV1('198.51.100.3')))).toEqual([401, 401, 401, 429])
    expect(await send(apiGatewayV1('198.51.100.4'))).toBe(401)
  })

  it('Workers: cloudflareClientAddress counts each cf-connecting-ip apart', async () => {
    const { app } = await appWith({ clientAddress: cloudflareClientAddress })
    const send = async (ip: string) =>
      (
        await app.fetch(
          new Request('https://shop.example/auth/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip },
            body: badLogin,
          }),
          {},
        )
      ).status
    expect(await fourBadLogins(() => send('203.0.113.1'))).toEqual([401, 401, 401, 429])
    expect(await send('203.0.113.2')).toBe(401)
  })

  it('a runtime without connection info and no clientAddress: createApp refuses to start rate limiting', async () => {
    vi.stubGlobal('process', { ...process, versions: { ...process.versions, node: undefined } })
    try {
      const error = await appWith().catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'settings.invalid' })
      expect((error as Error).message).toMatch(/clientAddress .*cloudflareClientAddress.*rateLimiter: false/)
    } finally {
      vi.unstubAllGlobals()
    }
    // Without rate limits there is nothing to share: it starts.
    vi.stubGlobal('process', { ...process, versions: { ...process.versions, node: undefined } })
    try {
      await expect(appWith({ rateLimiter: false })).resolves.toBeTruthy()
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('a request whose address cannot be found is refused (500 settings.invalid, logged), never counted in a shared bucket', async () => {
    const errors: unknown[] = []
    const { app } = await appWith({ onServerError: (e) => errors.push(e) })
    // app.request has no socket and no Lambda event.
    const res = await app.request('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: badLogin })
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(((await res.json()) as { code: string }).code).toBe('settings.invalid')
    expect(errors).toHaveLength(1)
  })

  it('X-Forwarded-For is read only from trustedProxies: from others, rotating it does not escape the peer’s counter', async () => {
    const viaProxy = await appWith({ clientAddress: () => '10.1.2.3', trustedProxies: ['10.0.0.0/8'] })
    const sendVia = async (xff: string) =>
      (
        await viaProxy.app.request('/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': xff },
          body: badLogin,
        })
      ).status
    // The client is the right-most hop that is not a trusted proxy; what the client wrote to its left proves nothing.
    expect(await fourBadLogins(() => sendVia('1.1.1.1, 198.51.100.7, 10.9.9.9'))).toEqual([401, 401, 401, 429])
    expect(await sendVia('2.2.2.2, 198.51.100.7')).toBe(429)
    expect(await sendVia('198.51.100.8')).toBe(401)

    const direct = await appWith({ clientAddress: () => '198.51.100.50', trustedProxies: ['10.0.0.0/8'] })
    let n = 0
    const sendDirect = async () =>
      (
        await direct.app.request('/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${n++}` },
          body: badLogin,
        })
      ).status
    expect(await fourBadLogins(sendDirect)).toEqual([401, 401, 401, 429])
  })

  it('a malformed trusted proxy is refused when the app is built', async () => {
    await expect(appWith({ clientAddress: () => '10.0.0.1', trustedProxies: ['10.0.0.0/99'] })).rejects.toMatchObject({
      code: 'auth.invalidOptions',
    })
  })

  it('Node, on a real server: the socket address counts, and X-Forwarded-For only from a trusted proxy', async () => {
    const post = (port: number, localAddress: string, xff?: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            localAddress,
            path: '/auth/login',
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(xff ? { 'x-forwarded-for': xff } : {}) },
          },
          (res) => {
            res.resume()
            res.on('end', () => resolve(res.statusCode ?? 0))
          },
        )
        req.on('error', reject)
        req.end(badLogin)
      })
    const run = async (options: Partial<S3verlessOptions>, check: (port: number) => Promise<void>) => {
      const { app } = await appWith(options)
      const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 })
      await new Promise<void>((resolve) => server.once('listening', () => resolve()))
      try {
        await check((server.address() as AddressInfo).port)
      } finally {
        await new Promise((resolve) => server.close(resolve))
      }
    }
    await run({}, async (port) => {
      expect(await fourBadLogins(() => post(port, '127.0.0.1', '203.0.113.1'))).toEqual([401, 401, 401, 429])
      // Another peer is another client; a forged header from the first does not help it.
      expect(await post(port, '127.0.0.2')).toBe(401)
      expect(await post(port, '127.0.0.1', '203.0.113.99')).toBe(429)
    })
    await run({ trustedProxies: ['127.0.0.1'] }, async (port) => {
      expect(await fourBadLogins(() => post(port, '127.0.0.1', '203.0.113.1'))).toEqual([401, 401, 401, 429])
      expect(await post(port, '127.0.0.1', '203.0.113.2')).toBe(401)
      // 127.0.0.2 is not a trusted proxy: its header is ignored, it is counted as itself.
      expect(await fourBadLogins(() => post(port, '127.0.0.2', '203.0.113.3'))).toEqual([401, 401, 401, 429])
    })
  })
})
