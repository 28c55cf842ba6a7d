import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { DocsAssets } from './docs/docs-assets.js'

/**
 * Docs assets read from the installed `swagger-ui-dist` package (Node only: this subpath uses
 * `node:fs`). Files are read once and kept.
 * @example
 * new S3verless({ models, store, docsAssets: nodeDocsAssets() })
 */
export function nodeDocsAssets(): DocsAssets {
  const require = createRequire(import.meta.url)
  const folder = dirname(require.resolve('swagger-ui-dist/package.json'))
  const cache = new Map<string, Promise<Uint8Array>>()
  return async (file) => {
    let body = cache.get(file)
    if (!body) {
      body = readFile(join(folder, file))
      cache.set(file, body)
    }
    return body
  }
}
