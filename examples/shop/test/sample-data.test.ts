import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// `npm start` on a clean data folder: the real entry (src/main.ts) as its own process adds sample
// products made by the factories, which show in the API and in the admin; a second start adds none.

const shopDir = fileURLToPath(new URL('..', import.meta.url))
let dataDir = ''
const running: ChildProcess[] = []

/** Starts the demo on the data folder; resolves with its base URL, setup token (if any) and output so far. */
function start(
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<{ base: string; token: string | undefined; out: () => string }> {
  const server = spawn(process.execPath, ['--import', 'tsx', '--conditions=@s3verless/source', 'src/main.ts', ...extra], {
    cwd: shopDir,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      AWS_BUCKET_NAME: '',
      SECRET_KEY: 'sample-data-test-secret-0123456789abcdef',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.push(server)
  let out = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo server did not start:\n${out}`)), 90_000)
    const read = (chunk: Buffer) => {
      out += chunk.toString()
      const api = /API\s+\S*\s*(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)
      if (api && /Press Ctrl\+C/.test(out)) {
        clearTimeout(timer)
        resolve({ base: api[1] as string, token: /setup token (\S+)/.exec(out)?.[1], out: () => out })
      }
    }
    server.stdout?.on('data', read)
    server.stderr?.on('data', read)
    server.on('exit', (code) => reject(new Error(`the demo server exited (${code}):\n${out}`)))
  })
}

async function stopAll() {
  await Promise.all(
    running.splice(0).map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null) return resolve()
          p.once('exit', () => resolve())
          p.kill('SIGTERM')
        }),
    ),
  )
}

async function productNames(base: string): Promise<{ names: string[]; categories: Set<string>; prices: number[] }> {
  const items: { name: string; category: string; price: number }[] = []
  let url: string | undefined = `${base}/products?limit=100`
  while (url) {
    const res = await fetch(url)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { items: typeof items; nextCursor?: string | null }
    items.push(...body.items)
    url = body.nextCursor ? `${base}/products?limit=100&cursor=${encodeURIComponent(body.nextCursor)}` : undefined
  }
  return { names: items.map((i) => i.name), categories: new Set(items.map((i) => i.category)), prices: items.map((i) => i.price) }
}

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 's3verless-sample-'))
})
afterAll(async () => {
  await stopAll()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('npm start with sample data', () => {
  it('fills a clean data folder with products shown in the API and the admin; a second start adds none', async () => {
    const first = await start()
    expect(first.out()).toMatch(/Added 36 sample products to the empty shop/)
    const { names, categories, prices } = await productNames(first.base)
    expect(names).toHaveLength(36)
    expect([...categories].sort()).toEqual(['books', 'garden', 'home', 'toys'])
    expect(Math.min(...prices)).toBeLessThan(100)
    expect(Math.max(...prices)).toBeGreaterThan(200)

    // The admin: make the first admin with the setup token, sign in, and list products.
    const password = 'correct horse battery staple 42'
    const setup = await fetch(`${first.base}/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ setupToken: first.token, username: 'boss', email: 'boss@example.com', password }),
    })
    expect(setup.status).toBeLessThan(300)
    const jar = new Map<string, string>()
    const go = async (path: string, init: RequestInit = {}) => {
      const headers = new Headers(init.headers)
      headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
      const res = await fetch(`${first.base}${path}`, { ...init, headers, redirect: 'manual' })
      for (const line of res.headers.getSetCookie()) {
        const [name, value] = (line.split(';')[0] ?? '').split('=')
        if (name) jar.set(name, value ?? '')
      }
      return res
    }
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await go('/admin/login')).text())?.[1] ?? ''
    const login = await go('/admin/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, username: 'boss', password }),
    })
    expect(login.status).toBe(303)
    const page = await (await go('/admin/products')).text()
    expect(page).toContain(names[0] ? (names[0] as string).replace(/&/g, '&amp;').replace(/'/g, '&#39;') : 'no product')
    expect(page).not.toMatch(/No records/)
    await stopAll()

    const second = await start()
    expect(second.out()).toMatch(/The shop has products: no sample data added/)
    expect((await productNames(second.base)).names).toHaveLength(36)
    await stopAll()
  }, 240_000)

  it('adds nothing with --no-sample-data or S3VERLESS_SAMPLE_DATA=0', async () => {
    const empty = mkdtempSync(join(tmpdir(), 's3verless-nosample-'))
    try {
      dataDir = empty
      const flag = await start(['--no-sample-data'])
      expect(flag.out()).toMatch(/Sample data skipped/)
      expect((await productNames(flag.base)).names).toHaveLength(0)
      await stopAll()
      const env = await start([], { S3VERLESS_SAMPLE_DATA: '0' })
      expect((await productNames(env.base)).names).toHaveLength(0)
      await stopAll()
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  }, 240_000)
})
