import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { NODE_ARGS, runBin, startServer } from './process-harness.js'

const workspace = fileURLToPath(new URL('../../../', import.meta.url))
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), 's3verless-init-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/**
 * Points the generated project's dependencies at this workspace instead of installing them: each
 * `@s3verless/*` at its package folder (run with the source condition), the others at the copies
 * the workspace installed. What `npm install` of the published packages would give, without a registry.
 */
async function linkDependencies(project: string) {
  const pkg = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  for (const name of [...Object.keys(pkg.dependencies), 'tsx']) {
    const target = name.startsWith('@s3verless/')
      ? join(workspace, 'packages', name.slice('@s3verless/'.length))
      : name === 'tsx'
        ? join(workspace, 'node_modules', 'tsx')
        : join(workspace, 'packages', 'cli', 'node_modules', name)
    const link = join(project, 'node_modules', name)
    await mkdir(dirname(link), { recursive: true })
    await symlink(await realpath(target), link)
  }
}

describe('s3verless init (as a process)', { timeout: 240_000 }, () => {
  it('makes a project that serves at once: GET a route of the generated app', async () => {
    const project = join(await tempDir(), 'my-shop')
    const run = await runBin(['init', project, '--json'])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(JSON.parse(run.stdout)).toEqual({
      dir: project,
      name: 'my-shop',
      files: [
        'package.json',
        'src/models.ts',
        'src/app.ts',
        'src/server.ts',
        'test/app.test.ts',
        '.env.example',
        '.gitignore',
        'README.md',
      ],
    })
    const pkg = JSON.parse(await readFile(join(project, 'package.json'), 'utf8'))
    expect(pkg.scripts).toMatchObject({ start: 'tsx src/server.ts', test: 'vitest run' })
    expect(Object.keys(pkg.dependencies)).toEqual(expect.arrayContaining(['@s3verless/core', '@s3verless/hono', 'hono', 'zod']))
    expect(await readFile(join(project, '.env.example'), 'utf8')).toContain('# AWS_BUCKET_NAME=')

    await linkDependencies(project)
    // npm start is `tsx src/server.ts`; here with the workspace's source condition, PORT=0 for a free port
    const child = spawn(process.execPath, [...NODE_ARGS, 'src/server.ts'], {
      cwd: project,
      env: { PATH: process.env.PATH, PORT: '0', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const server = await startServer(child, 120_000)
    cleanups.push(() => server.stop())
    const projects = await fetch(`${server.url}/projects`)
    expect(projects.status).toBe(200)
    expect(await projects.json()).toMatchObject({ items: [] })
    expect((await fetch(`${server.url}/docs`)).status).toBe(200)
    expect((await fetch(`${server.url}/tasks`)).status).toBe(401) // requireAuth
    expect((await fetch(`${server.url}/openapi.json`).then((r) => r.json())).paths).toHaveProperty('/projects')
    const stopped = await server.stop('SIGTERM')
    expect(stopped.code).toBe(0)
    expect(stopped.stdout).toMatch(/First admin: http:\/\/127\.0\.0\.1:\d+\/admin\/setup with the one-time token \S+/)
    expect(existsSync(join(project, '.s3verless-data'))).toBe(true)

    // s3verless serve takes the generated app module (a factory given the store) as well
    const served = await startServer(
      spawn(
        process.execPath,
        [...NODE_ARGS, join(workspace, 'packages/cli/src/bin.ts'), 'serve', 'src/app.ts', '--port', '0', '--data', 'data'],
        {
          cwd: project,
          env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      ),
      120_000,
    )
    cleanups.push(() => served.stop())
    expect((await fetch(`${served.url}/projects`)).status).toBe(200)
    expect((await served.stop()).code).toBe(0)
  })

  it('refuses a folder that is not empty (exit 1) unless --force, and prints the next steps', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'notes.txt'), 'mine')
    const refused = await runBin(['init', dir])
    expect(refused).toMatchObject({ code: 1, stdout: '' })
    expect(refused.stderr).toBe(
      `s3verless init: ${dir} is not empty (notes.txt): choose a new or empty folder, or pass --force to write the project files into it\n`,
    )
    expect(existsSync(join(dir, 'package.json'))).toBe(false)
    const forced = await runBin(['init', dir, '--force', '--name', 'kept-notes'])
    expect(forced.code).toBe(0)
    expect(forced.stdout).toMatch(new RegExp(`^Created kept-notes in ${dir}:\\n {2}package\\.json\\n`))
    expect(forced.stdout).toContain('npm install\n  npm start')
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('mine')
    const badName = await runBin(['init', join(dir, 'x'), '--name', 'Bad Name'])
    expect(badName.code).toBe(2)
    expect(badName.stderr).toContain('--name must be an npm package name')
  })
})
