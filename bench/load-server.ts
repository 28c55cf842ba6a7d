// The demo server of the load test: `npm start`'s entry started as its own Node process on a bucket,
// with the memory probe (load-probe.ts) preloaded and an IPC channel to ask it for samples.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { S3TestServer } from '@s3verless/testing'
import type { MemorySample } from './load-probe.js'

const shopDir = fileURLToPath(new URL('../examples/shop/', import.meta.url))
const probe = fileURLToPath(new URL('./load-probe.ts', import.meta.url))

/** Starts the demo server on the bucket, with the memory probe; resolves with its base URL and setup token. */
export async function startServer(server: S3TestServer, bucket: string) {
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--import', probe, '--conditions=@s3verless/source', 'src/main.ts'],
    {
      cwd: shopDir,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        AWS_BUCKET_NAME: bucket,
        AWS_ENDPOINT_URL: server.endpoint,
        AWS_ACCESS_KEY_ID: server.accessKeyId,
        AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
        AWS_REGION: 'us-east-1',
        S3_FORCE_PATH_STYLE: 'true',
        S3_PROVIDER: server.provider,
        SECRET_KEY: randomBytes(32).toString('hex'),
        // The load generator stands for many clients behind one proxy (itself, on 127.0.0.1): each
        // simulated user's address is its X-Forwarded-For, so the login limit counts users apart.
        TRUSTED_PROXIES: '127.0.0.1',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  )
  let out = ''
  const started = await new Promise<{ base: string; setupToken: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo server did not start:\n${out}`)), 90_000)
    const read = (chunk: Buffer) => {
      out += chunk.toString()
      const api = /API\s+\S*\s*(http:\/\/127\.0\.0\.1:\d+)\//.exec(out)
      const token = /setup token (\S+)/.exec(out)
      if (api && token) {
        clearTimeout(timer)
        resolve({ base: api[1] as string, setupToken: token[1] as string })
      }
    }
    child.stdout?.on('data', read)
    child.stderr?.on('data', read)
    child.on('exit', (code) => reject(new Error(`the demo server exited (${code}):\n${out}`)))
  })
  return { child, ...started, output: () => out }
}

/** Asks the server's probe for one memory sample. */
export function sampleMemory(child: ChildProcess): Promise<MemorySample> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no memory sample from the server within 10 s')), 10_000)
    const onMessage = (message: unknown) => {
      if ((message as MemorySample).type !== 'memory') return
      clearTimeout(timer)
      child.off('message', onMessage)
      resolve(message as MemorySample)
    }
    child.on('message', onMessage)
    child.send({ type: 'memory' })
  })
}
