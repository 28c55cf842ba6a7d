import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { dataDir } from './cli-harness.js'
import { runBin, spawnCli, startServer } from './process-harness.js'

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function freshDir() {
  const dir = await dataDir([])
  cleanups.push(dir.cleanup)
  return dir.root
}

/** `s3verless serve …args` as a process, stopped after the test. */
async function serve(args: string[], env: Record<string, string> = {}) {
  const server = await startServer(spawnCli(['serve', '--port', '0', ...args], { env }))
  cleanups.push(() => server.stop())
  return server
}

describe('s3verless serve (as a process)', { timeout: 180_000 }, () => {
  it('serves the demo shop on --data, prints the URLs, and stops cleanly on SIGTERM', async () => {
    const root = await freshDir()
    const server = await serve(['--data', root])
    const products = await fetch(`${server.url}/products`)
    expect(products.status).toBe(200)
    expect(await products.json()).toMatchObject({ items: [] })
    expect((await fetch(`${server.url}/docs`)).status).toBe(200)
    expect((await fetch(`${server.url}/health`)).status).toBe(200)
    // products are admin-only to write: the demo's access rules hold
    const write = await fetch(`${server.url}/products`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })
    expect(write.status).toBe(401)
    const run = await server.stop('SIGTERM')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`Serving the demo shop at ${server.url}/ (data in data directory ${root})`)
    expect(run.stdout).toMatch(/Docs +http:\/\/127\.0\.0\.1:\d+\/docs/)
    expect(run.stdout).toMatch(/No admin yet: open .*\/admin\/setup with the one-time token \S+/)
    expect(run.stderr).toContain('SECRET_KEY is not set')
    expect(run.stderr).toContain('Stopped (SIGTERM).')
  })

  it('serves a models module through a generated CRUD app, and stops on SIGINT', async () => {
    const root = await freshDir()
    const server = await serve([fixture('catalog.ts'), '--data', root], { SECRET_KEY: 'a-secret-of-at-least-32-characters-long' })
    const created = await fetch(`${server.url}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku: 'A-1', category: 'tools', price: 3 }),
    })
    expect(created.status).toBe(201)
    const list = (await (await fetch(`${server.url}/items?category=tools`)).json()) as { items: { sku: string }[] }
    expect(list.items.map((i) => i.sku)).toEqual(['A-1'])
    const run = await server.stop('SIGINT')
    expect(run.code).toBe(0)
    expect(run.stderr).not.toContain('SECRET_KEY is not set')
    expect(run.stderr).toContain('Stopped (SIGINT).')
  })

  it('serves a ready app module as it is', async () => {
    const server = await serve([fixture('hello-app.ts')])
    expect(await (await fetch(`${server.url}/`)).text()).toBe('hello from a ready app')
    const run = await server.stop()
    expect(run.code).toBe(0)
    expect(run.stdout).toContain(`Serving ${fixture('hello-app.ts')} at ${server.url}/\n`)
  })

  it('reports a port in use, a missing module and bad options in one line with exit codes 1 and 2', async () => {
    const busy = createServer().listen(0, '127.0.0.1')
    await new Promise((resolve) => busy.once('listening', resolve))
    cleanups.push(() => new Promise((resolve) => busy.close(resolve)))
    const port = String((busy.address() as { port: number }).port)
    const root = await freshDir()
    const inUse = await runBin(['serve', '--port', port, '--data', root])
    expect(inUse.code).toBe(1)
    expect(inUse.stderr).toMatch(
      new RegExp(`^s3verless serve: port ${port} on 127\\.0\\.0\\.1 is in use: pass --port with a free one \\(or --port 0\\)\\n$`, 'm'),
    )

    const missing = await runBin(['serve', 'nowhere/app.ts'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^s3verless serve: no module at \/.*nowhere\/app\.ts\n/)

    const badPort = await runBin(['serve', '--port', 'eighty'])
    expect(badPort.code).toBe(2)
    expect(badPort.stderr).toContain('--port must be a whole number from 0 to 65535, got "eighty"')

    const ready = await runBin(['serve', fixture('hello-app.ts'), '--data', root])
    expect(ready.code).toBe(2)
    expect(ready.stderr).toContain('--data does not apply to')
  })
})
