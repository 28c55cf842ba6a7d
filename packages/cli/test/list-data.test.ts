import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, dataDir } from './cli-harness.js'
import { runBin } from './process-harness.js'

const keys = [
  's3verless-data/users/u1.json',
  's3verless-data/products/p2.json',
  's3verless-data/products/p1.json',
  's3verless-data/products/é.json',
  'elsewhere/readme.txt',
]

describe('s3verless list-data', { timeout: 120_000 }, () => {
  let root = ''
  let cleanup = async () => {}
  const env = () => ({ S3VERLESS_DATA_DIR: root })
  const lines = (text: string) => text.split('\n').filter(Boolean)

  beforeAll(async () => {
    ;({ root, cleanup } = await dataDir(keys))
  })
  afterAll(() => cleanup())

  it('prints the keys under the base path in byte order, one per line, then the count', async () => {
    const run = await cli(['list-data'], env())
    expect(run.code).toBe(0)
    expect(lines(run.stdout)).toEqual([
      's3verless-data/products/p1.json',
      's3verless-data/products/p2.json',
      's3verless-data/products/é.json',
      's3verless-data/users/u1.json',
    ])
    expect(run.stderr).toBe(`4 keys under "s3verless-data/" in data directory ${root}\n`)
  })

  it('narrows to a prefix under the base path', async () => {
    const run = await cli(['list-data', 'products/'], env())
    expect(lines(run.stdout)).toHaveLength(3)
    expect(run.stderr).toMatch(/^3 keys under "s3verless-data\/products\/"/)
    expect((await cli(['list-data', 'nothing/'], env())).stderr).toMatch(/^0 keys under/)
  })

  it('follows S3_BASE_PATH, or the bucket root with --root', async () => {
    expect(lines((await cli(['list-data'], { ...env(), S3_BASE_PATH: 'elsewhere' })).stdout)).toEqual(['elsewhere/readme.txt'])
    const run = await cli(['list-data', '--root'], env())
    expect(lines(run.stdout)).toEqual(['elsewhere/readme.txt', ...lines((await cli(['list-data'], env())).stdout)])
    expect(run.stderr).toMatch(/^5 keys under "" in/)
  })

  it('stops at --limit and says more exist', async () => {
    const run = await cli(['list-data', '--limit', '2'], env())
    expect(lines(run.stdout)).toEqual(['s3verless-data/products/p1.json', 's3verless-data/products/p2.json'])
    expect(run.stderr).toContain('2 keys under "s3verless-data/"')
    expect(run.stderr).toContain('(more exist: raise --limit to see them)')
    const exact = await cli(['list-data', 'users/', '--limit=1'], env())
    expect(exact.stderr).toMatch(/^1 key under "s3verless-data\/users\/" in data directory .*[^)]\n$/)
  })

  it('pages through more than one list request', async () => {
    const many = await dataDir(Array.from({ length: 1005 }, (_, i) => `s3verless-data/items/${String(i).padStart(4, '0')}`))
    try {
      const all = await cli(['list-data', '--limit', '2000'], { S3VERLESS_DATA_DIR: many.root })
      expect(lines(all.stdout)).toHaveLength(1005)
      expect(lines(all.stdout).at(-1)).toBe('s3verless-data/items/1004')
      expect(all.stderr).toMatch(/^1005 keys under/)
      const capped = await cli(['list-data', '--limit', '1001'], { S3VERLESS_DATA_DIR: many.root })
      expect(lines(capped.stdout)).toHaveLength(1001)
      expect(capped.stderr).toContain('more exist')
    } finally {
      await many.cleanup()
    }
  })

  it.each([
    [['--limit', '0'], '--limit must be a whole number of at least 1, got "0"'],
    [['--limit', 'ten'], '--limit must be a whole number of at least 1, got "ten"'],
    [['--limit'], "Option '--limit <value>' argument missing"],
    [['--recursive'], "Unknown option '--recursive'"],
    [['a/', 'b/'], 'expected at most one prefix, got 2: a/ b/'],
  ])('rejects %j with a usage error (exit 2)', async (args, message) => {
    const run = await cli(['list-data', ...args], env())
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(message)
    expect(run.stderr).toContain('Usage: s3verless list-data')
  })

  it('fails with exit 1, creating nothing, when the data directory does not exist', async () => {
    const missing = join(tmpdir(), `s3verless-missing-${process.pid}-${Date.now()}`)
    const run = await cli(['list-data'], { S3VERLESS_DATA_DIR: missing })
    expect(run.code).toBe(1)
    expect(run.stderr).toBe(
      `s3verless list-data: No data directory at ${missing}. Pass --data DIR (or set S3VERLESS_DATA_DIR) for your data folder, or AWS_BUCKET_NAME to use S3. [cli.noDataDir]\n`,
    )
    expect(existsSync(missing)).toBe(false)
  })

  it('takes the data directory from --data, before AWS_BUCKET_NAME and S3VERLESS_DATA_DIR', async () => {
    const run = await cli(['list-data', 'users/', '--data', root], { AWS_BUCKET_NAME: 'cli-test-bucket', S3VERLESS_DATA_DIR: '/nowhere' })
    expect(run).toEqual({
      code: 0,
      stdout: 's3verless-data/users/u1.json\n',
      stderr: `1 key under "s3verless-data/users/" in data directory ${root}\n`,
    })
    const missing = await cli(['list-data', '--data', join(root, 'nope')], {})
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(`s3verless list-data: No data directory at ${join(root, 'nope')}. Check --data. [cli.noDataDir]\n`)
  })

  it('runs as a process: keys on stdout, the count on stderr, exit codes 0, 1 and 2', async () => {
    const ok = await runBin(['list-data', 'products/', '--data', root])
    expect(ok).toMatchObject({ code: 0, stderr: `3 keys under "s3verless-data/products/" in data directory ${root}\n` })
    expect(lines(ok.stdout)).toHaveLength(3)
    const failed = await runBin(['list-data', '--data', join(root, 'nope')])
    expect(failed).toMatchObject({ code: 1, stdout: '' })
    expect(failed.stderr).toMatch(/^s3verless list-data: No data directory at .*\[cli\.noDataDir\]\n$/)
    expect((await runBin(['list-data', '--limit', 'x'])).code).toBe(2)
  })

  it('uses S3 instead when AWS_BUCKET_NAME is set', async () => {
    const run = await cli(['list-data'], {
      ...env(),
      AWS_BUCKET_NAME: 'cli-test-bucket',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(/^s3verless list-data: .*\[store\.unavailable\]\n$/)
  })

  it('reports malformed settings with exit 1', async () => {
    const run = await cli(['list-data'], { ...env(), AWS_BUCKET_NAME: 'Not_A_Bucket' })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('AWS_BUCKET_NAME must be a valid S3 bucket name')
  })
})
