import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { describe, expect, it } from 'vitest'
import { json, login, makeApp } from './fixtures.js'

const MiB = 1024 * 1024

/**
 * A lazily made body of `total` bytes (a JSON login whose password never ends), in 64 KiB chunks,
 * that counts how many bytes the reader pulled: a server that buffers pulls all of them.
 */
function countingBody(total: number) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61)
  const head = new TextEncoder().encode('{"username":"alice","password":"')
  let sent = 0
  const counter = { pulled: 0 }
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) return controller.close()
        const piece = sent === 0 ? head : chunk.subarray(0, Math.min(chunk.length, total - sent))
        sent += piece.length
        counter.pulled = sent
        controller.enqueue(piece)
      },
    },
    { highWaterMark: 0 },
  )
  return { stream, counter }
}

const problem = async (res: Response) => {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  return (await res.json()) as { status: number; code: string; limit?: number }
}

describe('request body size limit', () => {
  it('answers 413 problem+json at once when Content-Length is over the limit, reading nothing', async () => {
    const ctx = await makeApp()
    const { stream, counter } = countingBody(200 * MiB)
    const res = await ctx.app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(200 * MiB) },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
    expect(await problem(res)).toMatchObject({ status: 413, code: 'http.payloadTooLarge' })
    expect(counter.pulled).toBe(0)
  })

  it('stops reading a streamed 200 MB unauthenticated login once past 1 MiB (no Content-Length), memory bounded', async () => {
    const ctx = await makeApp()
    const { stream, counter } = countingBody(200 * MiB)
    const before = process.memoryUsage().arrayBuffers
    const res = await ctx.app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
    expect((await problem(res)).code).toBe('http.payloadTooLarge')
    // Pulled: the limit plus at most a couple of chunks in flight, never the 200 MB.
    expect(counter.pulled).toBeGreaterThan(1 * MiB)
    expect(counter.pulled).toBeLessThan(1 * MiB + 256 * 1024)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * MiB)
  })

  it('is configurable (maxBodySize) and applies to JSON and form bodies alike; bodies under it are read as before', async () => {
    const ctx = await makeApp({ maxBodySize: 200 })
    const alice = await login(ctx, 'alice')
    const product = { name: 'Lamp', sku: 'L-1', price: 3, category: 'home' }
    expect((await ctx.app.request('/products', json('POST', product))).status).toBe(201)
    const big = await ctx.app.request('/products', json('POST', { ...product, sku: 'L-2', name: 'x'.repeat(300) }))
    expect(big.status).toBe(413)
    expect((await problem(big)).limit).toBe(200)
    const form = await ctx.app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'alice', password: 'p'.repeat(400) }),
    })
    expect(form.status).toBe(413)
    const notes = await ctx.app.request(
      '/notes',
      json('POST', { title: 't', body: 'y'.repeat(500) }, { authorization: alice.authorization }),
    )
    expect(notes.status).toBe(413)
    expect(await ctx.products.count()).toBe(1)
  })

  it('the default is 1 MiB: a 900 KiB JSON body is read, a 1.1 MiB one is refused', async () => {
    const ctx = await makeApp()
    const product = (size: number, sku: string) => ({ name: 'x'.repeat(size), sku, price: 1, category: 'home' })
    expect((await ctx.app.request('/products', json('POST', product(900 * 1024, 'A')))).status).toBe(201)
    expect((await ctx.app.request('/products', json('POST', product(1100 * 1024, 'B')))).status).toBe(413)
  })

  it('uploads keep their own limit (maxFileSize), not maxBodySize', async () => {
    const ctx = await makeApp({ maxBodySize: 100, uploads: { allowedContentTypes: ['text/plain'], maxFileSize: 4096 } })
    const alice = await login(ctx, 'alice')
    const put = (body: string) =>
      ctx.app.request('/uploads/files/a.txt', {
        method: 'PUT',
        headers: { authorization: alice.authorization, 'content-type': 'text/plain', 'content-length': String(body.length) },
        body,
      })
    expect((await put('z'.repeat(1000))).status).toBe(201)
    expect((await put('z'.repeat(5000))).status).toBe(422)
  })

  it('on a real Node server, a chunked 200 MB login is answered 413 long before it is sent', async () => {
    const ctx = await makeApp()
    const server = serve({ fetch: ctx.app.fetch, hostname: '127.0.0.1', port: 0 })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    const { port } = server.address() as AddressInfo
    const rssBefore = process.memoryUsage().rss
    try {
      const result = await new Promise<{ status: number; body: string; written: number }>((resolve, reject) => {
        let written = 0
        let answered = false
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          path: '/auth/login',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        })
        req.on('response', (res) => {
          answered = true
          let body = ''
          res.setEncoding('utf8')
          res.on('data', (d: string) => {
            body += d
          })
          res.on('end', () => {
            req.destroy()
            resolve({ status: res.statusCode ?? 0, body, written })
          })
        })
        req.on('error', (error) => (answered ? undefined : reject(error)))
        const chunk = Buffer.alloc(64 * 1024, 0x61)
        req.write('{"username":"alice","password":"')
        const pump = () => {
          while (!answered && written < 200 * MiB) {
            written += chunk.length
            if (!req.write(chunk)) return void req.once('drain', pump)
          }
          if (!answered) req.end('"}')
        }
        pump()
      })
      expect(result.status).toBe(413)
      expect(JSON.parse(result.body)).toMatchObject({ code: 'http.payloadTooLarge' })
      // The client got its answer after a few MiB at most (socket buffers), not 200 MB.
      expect(result.written).toBeLessThan(32 * MiB)
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MiB)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  }, 30_000)
})
