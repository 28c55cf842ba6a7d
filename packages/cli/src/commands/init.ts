import { promises as fsp } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { UsageError } from '../cli-io.js'
import { projectFiles, projectName } from '../init/templates.js'
import type { Command } from './command.js'

/** The entries of `dir`, or none when it does not exist. @throws when `dir` is a file. */
async function entriesOf(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new Error(`${dir} is a file, not a folder`)
    throw error
  }
}

/**
 * `s3verless init [dir]`: writes a new project (models, app, server entry, a test, `.env.example`,
 * package.json with `start` and `test`) into `dir` (default the working directory), which must be
 * empty or new unless `--force`.
 */
export const initCommand: Command = {
  name: 'init',
  summary: 'Create a new project: models, app (API, docs, admin), .env.example, scripts',
  usage: `Usage: s3verless init [dir] [--name NAME] [--force] [--json]

Writes a new project into dir (default: the current folder), which must be empty
or not exist yet:
  src/models.ts     two models made with defineModel (Project, Task)
  src/app.ts        the app: CRUD routes, auth, OpenAPI docs (/docs), admin UI (/admin)
  src/server.ts     npm start: serves it on Node (data in .s3verless-data/ or S3)
  test/app.test.ts  npm test: the app exercised in-process on a memory store
  .env.example, .gitignore, README.md, package.json (scripts start, test, create-admin)
Then: cd dir && npm install && npm start.

Options:
  --name NAME  The package name (default: from the folder's name)
  --force      Write into a folder that is not empty (replacing files of the same names)
  --json       Print {"dir", "name", "files"} as JSON
  -h, --help   Show this help`,

  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { name: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    })
    if (positionals.length > 1) throw new UsageError(`expected at most one folder, got ${positionals.length}: ${positionals.join(' ')}`)
    const dir = resolve(positionals[0] ?? '.')
    const name = values.name ?? projectName(basename(dir))
    if (!/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/.test(name) || name.length > 214)
      throw new UsageError(`--name must be an npm package name (lowercase letters, digits, . _ -), got "${name}"`)
    const entries = await entriesOf(dir)
    if (entries.length > 0 && !values.force) {
      const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '')
      throw new Error(`${dir} is not empty (${shown}): choose a new or empty folder, or pass --force to write the project files into it`)
    }
    const files = projectFiles(name)
    for (const file of files) {
      const path = join(dir, file.path)
      await fsp.mkdir(dirname(path), { recursive: true })
      // Without --force, never replace a file that appeared meanwhile.
      await fsp.writeFile(path, file.text, { flag: values.force ? 'w' : 'wx' })
    }
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ dir, name, files: files.map((f) => f.path) })}\n`)
      return 0
    }
    const rel = relative(process.cwd(), dir)
    const cd = rel.startsWith('..') ? dir : rel
    io.stdout.write(`Created ${name} in ${dir}:\n${files.map((f) => `  ${f.path}\n`).join('')}`)
    io.stdout.write(`\nNext:\n${cd ? `  cd ${cd}\n` : ''}  npm install\n  npm start      # then open http://127.0.0.1:3000/docs\n`)
    return 0
  },
}
