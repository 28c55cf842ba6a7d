import { parseArgs } from 'node:util'
import { loadSettings, MAX_LIST_PAGE } from '@s3verless/core'
import { UsageError } from '../cli-io.js'
import { DATA_OPTION, openStore, STORE_USAGE } from '../open-store.js'
import type { Command } from './command.js'

/** Keys listed when `--limit` is not given. */
export const DEFAULT_LIST_LIMIT = 1000

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIST_LIMIT
  const limit = /^\d+$/.test(raw) ? Number(raw) : Number.NaN
  if (!Number.isSafeInteger(limit) || limit < 1) throw new UsageError(`--limit must be a whole number of at least 1, got "${raw}"`)
  return limit
}

/**
 * `s3verless list-data [prefix] [--limit N] [--root]`: prints the keys under `S3_BASE_PATH` +
 * prefix (or, with `--root`, under prefix from the bucket root), one per line on stdout (so they
 * can be piped), then a count on stderr.
 */
export const listDataCommand: Command = {
  name: 'list-data',
  summary: 'List the keys stored under S3_BASE_PATH (and an optional prefix)',
  usage: `Usage: s3verless list-data [prefix] [--limit N] [--root] [--data DIR]

Prints the keys under S3_BASE_PATH + prefix, one per line (stdout), then a count (stderr).

Options:
  --limit N   List at most N keys (default ${DEFAULT_LIST_LIMIT})
  --root      Take the prefix from the bucket root, ignoring S3_BASE_PATH
  --data DIR  Use the file-system store in DIR
  -h, --help  Show this help

${STORE_USAGE}`,

  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { limit: { type: 'string' }, root: { type: 'boolean' }, ...DATA_OPTION },
      allowPositionals: true,
      strict: true,
    })
    if (positionals.length > 1) throw new UsageError(`expected at most one prefix, got ${positionals.length}: ${positionals.join(' ')}`)
    const limit = parseLimit(values.limit)
    const settings = loadSettings(io.env)
    const prefix = (values.root ? '' : settings.s3BasePath) + (positionals[0] ?? '')
    const { store, description, close } = await openStore(settings, io.env, { dataDir: values.data })
    try {
      let count = 0
      let cursor: string | undefined
      do {
        const page = await store.list(prefix, { limit: Math.min(MAX_LIST_PAGE, limit - count), ...(cursor ? { cursor } : {}) })
        for (const object of page.objects) io.stdout.write(`${object.key}\n`)
        count += page.objects.length
        cursor = page.cursor
      } while (cursor && count < limit)
      const noun = count === 1 ? 'key' : 'keys'
      const more = cursor ? ` (more exist: raise --limit to see them)` : ''
      io.stderr.write(`${count} ${noun} under "${prefix}" in ${description}${more}\n`)
      return 0
    } finally {
      close()
    }
  },
}
