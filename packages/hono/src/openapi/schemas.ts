import type { Model } from '@s3verless/core'
import * as z from 'zod'
import { named } from './openapi-registry.js'

/** The problem+json body in OpenAPI. */
export const ProblemSchema = named(
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().meta({ example: 'model.validation' }),
    errors: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })).optional(),
  }),
  'Problem',
)

/** An operation's problem+json answer: what it means, with the {@link ProblemSchema} body. */
export const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } })

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
    input: named(input, `${model.name}Input`),
    patch: named(input.partial(), `${model.name}Patch`),
    // Hidden fields are never answered, so the record schema leaves them out.
    record: named(
      (model.hidden.length ? base.omit(Object.fromEntries(model.hidden.map((f) => [f, true])) as Record<string, true>) : base).extend({
        id: z.uuid(),
        createdAt: z.iso.datetime(),
        updatedAt: z.iso.datetime(),
      }),
      model.name,
    ),
  }
}
