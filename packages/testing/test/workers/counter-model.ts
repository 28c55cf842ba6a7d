import { defineModel } from '@s3verless/core'
import * as z from 'zod'

/** A counter with a unique name, shared by the real-S3 concurrency tests and their worker processes. */
export const Counter = defineModel(z.object({ name: z.string(), count: z.number().int() }), {
  name: 'Counter',
  unique: ['name'],
  indexed: ['count'],
})
