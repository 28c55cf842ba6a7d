import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fsStore } from '@s3verless/core/fs'
import { afterAll } from 'vitest'
import { runStoreConformance } from '../src/index.js'

const root = mkdtempSync(join(tmpdir(), 's3verless-fs-conformance-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

runStoreConformance('fsStore', () => fsStore({ root }))
