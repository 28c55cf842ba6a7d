import { type AnyObjectSchema, buildModel, type Model, type ModelOptions, RESERVED_PLURALS } from './define-model.js'
import { ModelDefinitionError } from './model-errors.js'

/**
 * Defines one of S3verless's own models under a reserved plural (the auth package's `users`).
 * Exported only from `@s3verless/core/internal`: applications use `defineModel`, which refuses
 * reserved plurals so an application model can never land on S3verless's own data by accident.
 * The plural must be given and must be reserved; every other check of `defineModel` applies.
 * @throws ModelDefinitionError when the plural is missing or not a reserved one, or as `defineModel`.
 */
export function defineSystemModel<S extends AnyObjectSchema>(schema: S, options: ModelOptions<S> & { plural: string }): Model<S> {
  if (!RESERVED_PLURALS.has(options.plural.toLowerCase())) {
    throw new ModelDefinitionError(
      `Model ${options.name}: defineSystemModel is for reserved plurals (${[...RESERVED_PLURALS].join(', ')}); use defineModel for "${options.plural}"`,
      { details: { model: options.name } },
    )
  }
  return buildModel(schema, options, { allowReservedPlural: true })
}
