/** The swagger-ui files the docs page loads. */
export const DOCS_ASSET_FILES = ['swagger-ui.css', 'swagger-ui-bundle.js'] as const

/** One of {@link DOCS_ASSET_FILES}. */
export type DocsAssetFile = (typeof DOCS_ASSET_FILES)[number]

/**
 * Supplies the docs page's swagger-ui files (from `swagger-ui-dist`), so the page works with no
 * internet access. On Node: `nodeDocsAssets()` from `@s3verless/hono/node`; on edge runtimes, a
 * function returning the files your bundler embedded.
 */
export type DocsAssets = (file: DocsAssetFile) => Promise<string | Uint8Array | null>
