import { ModelDefinitionError } from './model-errors.js'

/** The signed-in user as access rules see it (the auth package's public user has these fields). */
export interface AccessUser {
  readonly id: string
  readonly isAdmin: boolean
  readonly roles: readonly string[]
}

/** The operations access rules are given for. Search follows `list`; bulk create and delete follow `create` and `delete`. */
export const ACCESS_OPERATIONS = ['list', 'get', 'create', 'update', 'delete'] as const
/** One of {@link ACCESS_OPERATIONS}. */
export type AccessOperation = (typeof ACCESS_OPERATIONS)[number]

/** A rule that needs a role: `role('admin')` is `isAdmin`; any other role is one of the user's `roles` (admins pass every rule). */
export interface RoleRule {
  readonly role: string
}

/**
 * A rule needing the role `name` (admins always pass). `role('admin')` means the user's `isAdmin`.
 * @example access: { …, create: role('editor') }
 */
export const role = (name: string): RoleRule => {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError('role(name) needs a non-empty role name')
  return Object.freeze({ role: name })
}

/** What a `list` predicate sees: the filter the request asked for (owner scoping is not part of it). */
export interface ListAccessQuery {
  readonly filter: Readonly<Record<string, unknown>>
}

/**
 * What a rule may be, for a predicate of shape `P`:
 * - `'public'`: anyone, signed in or not;
 * - `'signedIn'`: any signed-in user;
 * - `'owner'`: the record's owner (the model's `ownerField`); lists show only the caller's records,
 *   creates are stamped with the caller as owner;
 * - {@link role}`('name')`: users with that role;
 * - a predicate `(user, …) => boolean | Promise<boolean>`, called with the signed-in user (an
 *   anonymous caller never reaches it).
 * Admins pass every rule.
 */
export type AccessRule<P> = 'public' | 'signedIn' | 'owner' | RoleRule | P

/**
 * Rules per operation, typed from a model's record `R` and create input `C`:
 * `get` and `delete` predicates see the stored record, `update` the stored record and the change,
 * `create` the input (with the owner field set to the caller), `list` the asked filter.
 */
export interface AccessRules<R, C> {
  /** `GET /{plural}` and `POST /{plural}/search`. */
  list: AccessRule<(user: AccessUser, query: ListAccessQuery) => boolean | Promise<boolean>>
  /** `GET /{plural}/{id}`. */
  get: AccessRule<(user: AccessUser, record: R) => boolean | Promise<boolean>>
  /** `POST /{plural}` and each item of `POST /{plural}/bulk`. */
  create: AccessRule<(user: AccessUser, input: C) => boolean | Promise<boolean>>
  /** `PATCH` and `PUT /{plural}/{id}`. */
  update: AccessRule<(user: AccessUser, record: R, change: Partial<C>) => boolean | Promise<boolean>>
  /** `DELETE /{plural}/{id}`, each id of `POST /{plural}/bulk/delete`, and every record a cascade would delete. */
  delete: AccessRule<(user: AccessUser, record: R) => boolean | Promise<boolean>>
}

/** A predicate as a model stores it, whatever its record type. */
export type AccessPredicate = {
  // A method type, so a predicate typed for one model's records is assignable here.
  check(user: AccessUser, subject: Record<string, unknown>, change?: Record<string, unknown>): boolean | Promise<boolean>
}['check']

/** One operation's rule as a defined model holds it. */
export type ResolvedAccessRule = 'public' | 'signedIn' | 'owner' | RoleRule | AccessPredicate

/** A defined model's rule for every operation. */
export type ResolvedAccess = Readonly<Record<AccessOperation, ResolvedAccessRule>>

/**
 * The rules of a model: the `access` given (all five operations), or the shorthands' meaning:
 * `ownerField` → `'owner'` everywhere, `requireAuth` → `'signedIn'` everywhere, else `'public'`.
 * @throws ModelDefinitionError for a missing or unknown operation or rule, `'owner'` without an
 *   `ownerField`, or `requireAuth` beside `access`.
 */
export function resolveAccess(
  name: string,
  access: Partial<Record<string, unknown>> | undefined,
  { requireAuth, ownerField }: { requireAuth: boolean; ownerField: string | undefined },
): ResolvedAccess {
  const fail = (message: string): never => {
    throw new ModelDefinitionError(`Model ${name}: ${message}`, { details: { model: name } })
  }
  if (access && requireAuth) fail("give either requireAuth (every operation 'signedIn') or access rules, not both")
  for (const key in access) if (!(ACCESS_OPERATIONS as readonly string[]).includes(key)) fail(`access has unknown operation "${key}"`)
  const out = {} as Record<AccessOperation, ResolvedAccessRule>
  for (const op of ACCESS_OPERATIONS) {
    const rule = access ? access[op] : ownerField ? 'owner' : requireAuth ? 'signedIn' : 'public'
    const ok =
      rule === 'public' ||
      rule === 'signedIn' ||
      (rule === 'owner' && ownerField) ||
      typeof rule === 'function' ||
      typeof (rule as RoleRule | undefined)?.role === 'string'
    if (!ok)
      fail(
        `access.${op} ${rule === undefined ? 'is missing' : rule === 'owner' ? "is 'owner' without an ownerField" : 'must be'}: 'public', 'signedIn', 'owner', role(name) or (user, …) => boolean`,
      )
    out[op] = rule as ResolvedAccessRule
  }
  return Object.freeze(out)
}
