import { S3AuthService, User } from '@s3verless/auth'
import { createDatabase, type Database, type Model, S3ClientManager, type S3verlessSettings } from '@s3verless/core'
import type { S3verlessOptions } from './options.js'

/** The database and auth service an app serves. */
export interface AppData {
  database: Database
  auth: S3AuthService<Model> | undefined
  /** The models served by the CRUD API. */
  models: readonly Model[]
}

/**
 * One database for the whole app: the given one, or one built from `store` (default an S3 store
 * from the settings), holding the app's models and the user model (so models can relate to users).
 */
export function buildAppData(options: S3verlessOptions, settings: S3verlessSettings, models: readonly Model[]): AppData {
  const userModel = options.auth ? options.auth.userModel : User
  let database = options.database
  if (!database) {
    const all = options.auth === false || models.some((m) => m.plural === userModel.plural) ? [...models] : [...models, userModel]
    database = createDatabase({
      store: options.store ?? new S3ClientManager(settings),
      ...(options.store ? {} : { bucket: settings.awsBucketName }),
      models: all,
      basePath: settings.s3BasePath,
      ...(options.cache ? { cache: options.cache } : {}),
    })
  }
  const auth =
    options.auth === false
      ? undefined
      : (options.auth ??
        new S3AuthService<Model>({
          database,
          settings,
          userModel: userModel as Model,
          ...(options.passwordHasher ? { hasher: options.passwordHasher } : {}),
        }))
  const served = (options.database && !options.models ? database.registry.models : models).filter((m) => m.plural !== userModel.plural)
  return { database, auth, models: served }
}
