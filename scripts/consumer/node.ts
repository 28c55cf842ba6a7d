// Consumer typecheck of the Node-only entries (with @types/node).
import { fsStore } from '@s3verless/core/fs'
import { nodeDocsAssets } from '@s3verless/hono/node'
import { runStoreConformance } from '@s3verless/testing'
import { mulberry32 } from '@s3verless/testing/random'

export const parts = [fsStore, nodeDocsAssets, runStoreConformance, mulberry32]
