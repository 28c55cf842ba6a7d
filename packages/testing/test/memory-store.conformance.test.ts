import { memoryStore } from '@s3verless/core'
import { runStoreConformance } from '../src/index.js'

runStoreConformance('memoryStore', () => memoryStore())
