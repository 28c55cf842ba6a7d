import { z } from '@hono/zod-openapi'
import type { Model } from '@s3verless/core'

/** The problem+json body in OpenAPI. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: 'model.validation' }),
    errors: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
  })
  .openapi('Problem')

/** The schemas of one model as the API reads and writes them. */
export interface ModelSchemas {
  /** What create and PUT take: the schema without the owner field. */
  input: z.ZodType
  /** What PATCH takes: every input field optional. */
  patch: z.ZodType
  /** A stored record: the schema plus `id`, `createdAt`, `updatedAt`. */
  record: z.ZodType
}

/** Builds {@link ModelSchemas} from a model's Zod schema, registered under the model's name. */
export function modelSchemas(model: Model): ModelSchemas {
  const owner = model.ownerField
  const base = model.schema as z.ZodObject<z.ZodRawShape>
  const input = owner ? base.omit({ [owner]: true } as Record<string, true>) : base
  return {
    input: input.openapi(`${model.name}Input`),
    patch: input.partial().openapi(`${model.name}Patch`),
    record: base.extend({ id: z.uuid(), createdAt: z.iso.datetime(), updatedAt: z.iso.datetime() }).openapi(model.name),
  }
}
