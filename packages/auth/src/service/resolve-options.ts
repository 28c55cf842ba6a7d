import { createDatabase, type Database, type Model, S3ClientManager, type S3verlessSettings } from '@s3verless/core'
import { AuthError } from '../errors.js'
import type { PasswordHasher } from '../password/password-hasher.js'
import { type PasswordPolicy, resolvePasswordPolicy } from '../password/password-policy.js'
import { isUserModel, User } from '../users/user-model.js'
import type { S3AuthServiceOptions } from './auth-options.js'

/** The user model of the options (default `User`). @throws AuthError `auth.invalidOptions` when it is not a user model. */
export function resolveUserModel<M extends Model>(options: S3AuthServiceOptions<M>): M {
  const model = options.userModel ?? (User as unknown as M)
  if (!isUserModel(model)) {
    throw new AuthError('auth.invalidOptions', `userModel ${model.name} is not a user model: make it with createUserModel(...)`)
  }
  return model
}

/**
 * The database users live in: the application's, or one of the user model alone on `store` (by
 * default an S3 store from the settings). @throws SettingsError naming AWS_BUCKET_NAME when no store can be made.
 */
export function resolveDatabase(options: S3AuthServiceOptions<Model>, settings: S3verlessSettings, userModel: Model): Database {
  if (options.database) return options.database
  const given = options.store ?? new S3ClientManager(settings).store()
  const store = given instanceof S3ClientManager ? given.store() : given
  return createDatabase({ store, models: [userModel], basePath: options.basePath ?? settings.s3BasePath })
}

/** The password policy, checked against what the hasher can use. @throws AuthError `auth.invalidPolicy` */
export function resolvePolicyFor(hasher: PasswordHasher, overrides: Partial<PasswordPolicy> | undefined): Readonly<PasswordPolicy> {
  const policy = resolvePasswordPolicy(overrides)
  if (policy.maxBytes > hasher.maxPasswordBytes) {
    throw new AuthError(
      'auth.invalidPolicy',
      `Password policy allows ${policy.maxBytes} bytes but the ${hasher.name} hasher uses at most ${hasher.maxPasswordBytes}`,
    )
  }
  return policy
}
