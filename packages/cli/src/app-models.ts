import { createDatabase, type Database, type Model, type ObjectStore, type S3verlessSettings } from '@s3verless/core'
import { UsageError } from './cli-io.js'
import { loadModels } from './load-models.js'

/** The application's models (from `--models`, when given) and the auth package's `User`, as one list. */
export async function appModels(path: string | undefined): Promise<Model[]> {
  const models = path ? await loadModels(path) : []
  const { User } = await import('@s3verless/auth') // loaded when needed: the CLI starts faster
  return models.some((m) => m.plural === User.plural) ? models : [...models, User]
}

/** A database over `store` holding `models` under the settings' base path. */
export const openDatabase = (store: ObjectStore, settings: S3verlessSettings, models: readonly Model[]): Database =>
  createDatabase({ store, models: [...models], basePath: settings.s3BasePath })

/**
 * The model a command names, by name or plural, ignoring case (`Product`, `product`, `products`).
 * @throws UsageError listing the known models when none matches.
 */
export function findModel(models: readonly Model[], name: string): Model {
  const wanted = name.toLowerCase()
  const found = models.find((m) => m.name.toLowerCase() === wanted || m.plural.toLowerCase() === wanted)
  if (!found) throw new UsageError(`no model "${name}" (models: ${models.map((m) => m.name).join(', ')})`)
  return found
}
