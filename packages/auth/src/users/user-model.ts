import type { InferCreate, InferRecord, InferUpdate, Model, ModelOptions, Relation } from '@s3verless/core'
import { ModelDefinitionError } from '@s3verless/core'
import { defineSystemModel } from '@s3verless/core/internal'
import * as z from 'zod'

/**
 * The fields every user has. `normalizedUsername` and `normalizedEmail` are the unique forms the
 * service compares (`Admin`, `ADMIN` and fullwidth `ａｄｍｉｎ` are one name; `Alice@Example.com` and
 * `alice@example.com` one email), while `username` and `email` keep what the user typed.
 * `tokenVersion` is bumped to revoke every token of the user at once (password change,
 * deactivation, `revokeAllUserTokens`).
 */
export const baseUserShape = {
  /** The name as typed (Unicode NFC, case kept), also unique; no spaces or control characters. New names follow `usernameProblems`. */
  username: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[^\s\p{C}]+$/u, 'must not contain spaces or control characters'),
  /**
   * The name as compared (`normalizeUsername`: NFKC, lower case), unique. `null` only on users made
   * before it existed, until `S3AuthService.migrateUsernames()` fills it in.
   */
  normalizedUsername: z.string().min(1).max(256).nullable().default(null),
  email: z.email().max(254),
  normalizedEmail: z.string().min(1).max(254),
  hashedPassword: z.string().min(1),
  fullName: z.string().max(200).nullable().default(null),
  isActive: z.boolean().default(true),
  isAdmin: z.boolean().default(false),
  roles: z.array(z.string().min(1).max(64)).default([]),
  tokenVersion: z.number().int().nonnegative().default(0),
}

/** The shape of the base user schema. */
export type BaseUserShape = typeof baseUserShape
/** Fields S3AuthService manages itself: never set them through `createUser`/`updateUser`. */
export const MANAGED_USER_FIELDS = ['normalizedUsername', 'normalizedEmail', 'hashedPassword', 'tokenVersion'] as const
/** A field of {@link MANAGED_USER_FIELDS}. */
export type ManagedUserField = (typeof MANAGED_USER_FIELDS)[number]

/** A user model: the base user fields plus the application's own profile fields `E`. */
export type UserModel<E extends z.ZodRawShape = z.ZodRawShape> = Model<z.ZodObject<BaseUserShape & E>>
/** The model of {@link User}: the base fields only. */
export type DefaultUserModel = Model<z.ZodObject<BaseUserShape>>
/** A stored user of the base model. */
export type BaseUser = InferRecord<DefaultUserModel>
/** A stored user of model `M`. */
export type UserOf<M extends Model> = InferRecord<M> & BaseUser
/** A user without its secrets and bookkeeping, safe to return from an API. */
export type PublicUser<M extends Model = DefaultUserModel> = Omit<UserOf<M>, ManagedUserField>
/** What `createUser` takes: the model's create input without managed fields, plus the password. */
export type CreateUserInput<M extends Model = DefaultUserModel> = Omit<InferCreate<M>, ManagedUserField | 'id'> & { password: string }
/** What `updateUser` takes: any schema fields except the managed ones (use `changePassword` for the password). */
export type UpdateUserInput<M extends Model = DefaultUserModel> = Omit<InferUpdate<M>, ManagedUserField>

/** Options of {@link createUserModel}. */
export interface UserModelOptions<E extends z.ZodRawShape> {
  /** Model name (default `'User'`); other models point at it with `belongsTo('User', …)`. */
  name?: string
  /** More unique fields among the application's own (username and email always are). */
  unique?: readonly Extract<keyof E, string>[]
  /** Indexed fields (any user field, or `createdAt`/`updatedAt`). */
  indexed?: ModelOptions<z.ZodObject<BaseUserShape & E>>['indexed']
  /** Descending indexes (numbers, dates, booleans). */
  indexedDescending?: ModelOptions<z.ZodObject<BaseUserShape & E>>['indexedDescending']
  /** Relations to the application's models. */
  relations?: Record<string, Relation>
  /** Show users in the admin UI (default true). The generic CRUD API is never served for users. */
  enableAdmin?: boolean
}

/**
 * Defines the user model, stored under the reserved `users` plural, optionally with the
 * application's own profile fields. Pass the result to `createDatabase` beside your models (so they
 * can relate to it) and to `S3AuthService` as `userModel`.
 * @throws ModelDefinitionError when an extra field reuses a base user field's name, or as `defineModel`.
 * @example
 * const AppUser = createUserModel({ displayName: z.string().max(80).optional(), plan: z.enum(['free', 'pro']).default('free') }, { indexed: ['plan'] })
 * const db = createDatabase({ store, models: [AppUser, Post] })
 * const auth = new S3AuthService({ database: db, userModel: AppUser, secretKey })
 */
export function createUserModel<E extends z.ZodRawShape = Record<never, never>>(
  extra: E = {} as E,
  options: UserModelOptions<E> = {},
): UserModel<E> {
  const clash = Object.keys(extra).filter((field) => field in baseUserShape)
  if (clash.length > 0) {
    throw new ModelDefinitionError(
      `User model: extra field(s) ${clash.map((f) => `"${f}"`).join(', ')} would replace built-in user fields; choose other names`,
      { details: { model: options.name ?? 'User', fields: clash } },
    )
  }
  const schema = z.object({ ...baseUserShape, ...extra }) as z.ZodObject<BaseUserShape & E>
  type S = typeof schema
  const unique = ['username', 'normalizedUsername', 'normalizedEmail', ...(options.unique ?? [])] as unknown as ModelOptions<S>['unique']
  return defineSystemModel(schema, {
    name: options.name ?? 'User',
    plural: 'users',
    unique,
    ...(options.indexed ? { indexed: options.indexed } : {}),
    ...(options.indexedDescending ? { indexedDescending: options.indexedDescending } : {}),
    ...(options.relations ? { relations: options.relations } : {}),
    enableApi: false,
    enableAdmin: options.enableAdmin ?? true,
    hidden: MANAGED_USER_FIELDS as unknown as ModelOptions<S>['hidden'],
  })
}

/**
 * The built-in user model (base fields only): username, email, hashed password, full name, active
 * and admin flags, roles. Use {@link createUserModel} to add profile fields.
 */
export const User: DefaultUserModel = createUserModel()
/** A stored user of the built-in model. */
export type User = BaseUser

/** True when `model` is a user model: the `users` plural and every base user field. */
export function isUserModel(model: Model): boolean {
  return model.plural === 'users' && Object.keys(baseUserShape).every((field) => field in model.fields)
}
