import type { AccessOperation, Model, ResolvedAccess, ResolvedAccessRule } from '@s3verless/core'
import { resolveAccess } from '@s3verless/core/internal'
import type { Context } from 'hono'
import type { RequestUser, S3verlessEnv } from '../app/env.js'
import { HttpError } from '../errors/http-error.js'

/**
 * What access rules are checked on: a model, or the upload routes' own rules (same shape).
 * `name` and `plural` are for messages; `ownerField` is what `'owner'` compares with the user's id.
 */
export interface AccessSubject {
  readonly name: string
  readonly plural: string
  readonly ownerField: string | undefined
  readonly access: Partial<Readonly<Record<AccessOperation, ResolvedAccessRule>>>
}

/** Who is asking, as far as one model's routes care. */
export interface ModelAccess {
  /** The signed-in user, or `undefined` for an anonymous request. */
  user?: RequestUser | undefined
  /** The signed-in user's id, or `undefined` for an anonymous request. */
  userId: string | undefined
  /** Set when a list is owner-scoped for this request: only records with this owner exist for it. */
  scopedTo: string | undefined
}

type Subject = Record<string, unknown>

const resolved = new WeakMap<Model, ResolvedAccess>()

/**
 * A model's rules for every operation, its shorthands resolved (`ownerField` → `'owner'`,
 * `requireAuth` → `'signedIn'`, else `'public'`) and checked once.
 * @throws ModelDefinitionError (`model.definition`) for malformed rules, naming the model and operation.
 */
export function rulesOf(model: Model): ResolvedAccess {
  let rules = resolved.get(model)
  if (!rules) {
    rules = resolveAccess(model.name, model.access, { requireAuth: model.requireAuth, ownerField: model.ownerField })
    resolved.set(model, rules)
  }
  return rules
}

const isModel = (subject: Model | AccessSubject): subject is Model => (subject as Model).kind === 's3verless.model'

/** The rule of one operation of a model or of the upload routes. */
export const ruleOf = (subject: Model | AccessSubject, op: AccessOperation): ResolvedAccessRule =>
  (isModel(subject) ? rulesOf(subject)[op] : subject.access[op]) ?? 'public'

/** True when a model's routes need a signed-in user for some operation (the app then needs auth). */
export const needsAuth = (model: Model | AccessSubject): boolean =>
  (['list', 'get', 'create', 'update', 'delete'] as const).some((op) => ruleOf(model, op) !== 'public')

/** True when `op` of `subject` lets anonymous callers through (its OpenAPI operation has no `security`). */
export const isPublic = (subject: Model | AccessSubject, op: AccessOperation): boolean => ruleOf(subject, op) === 'public'

/** True when the rule depends on the record (or input), so it is checked once that is known. */
const perRecord = (rule: ResolvedAccessRule): boolean => rule === 'owner' || typeof rule === 'function'

const unauthorized = (subject: Model | AccessSubject) =>
  new HttpError('http.unauthorized', `Sign in to use ${subject.plural}: send an Authorization: Bearer <access token> header`)

const forbidden = (subject: Model | AccessSubject, op: AccessOperation, why: string) =>
  new HttpError('http.forbidden', `You may not ${op} ${subject.plural}: ${why}`, { model: subject.name, operation: op })

/**
 * The part of a rule that does not depend on the record: anonymous callers pass only `'public'`
 * (else 401); a role rule needs the role (else 403). Admins pass every rule. Owner and predicate
 * rules need only a signed-in user here; the record (or input) is checked later.
 * @throws HttpError `http.unauthorized` (401), `http.forbidden` (403)
 */
export function gate(subject: Model | AccessSubject, op: AccessOperation, user: RequestUser | undefined): void {
  const rule = ruleOf(subject, op)
  if (rule === 'public') return
  if (!user) throw unauthorized(subject)
  if (user.isAdmin || rule === 'signedIn' || perRecord(rule)) return
  if (typeof rule === 'object') {
    if (rule.role !== 'admin' && user.roles.includes(rule.role)) return
    throw forbidden(subject, op, `this needs the "${rule.role}" role`)
  }
}

/**
 * Whether the rule of `op` lets `user` act on this record (or input): the whole rule, the gate
 * included, without throwing. `change` is an update's patch (for update predicates).
 */
export async function allows(
  subject: Model | AccessSubject,
  op: AccessOperation,
  user: RequestUser | undefined,
  record: Subject,
  change?: Subject,
): Promise<boolean> {
  const rule = ruleOf(subject, op)
  if (rule === 'public') return true
  if (!user) return false
  if (user.isAdmin || rule === 'signedIn') return true
  if (rule === 'owner') return subject.ownerField !== undefined && record[subject.ownerField] === user.id
  if (typeof rule === 'function') return (await rule(user, record, change)) === true
  return rule.role !== 'admin' && user.roles.includes(rule.role)
}

/**
 * Checks the record-level part of `op`'s rule on a record the caller asked for by id. A refusal is
 * a 404 when the caller may not see the record either (its `get` rule refuses it: its existence is
 * not revealed), else a 403.
 * @throws HttpError `model.notFound` (404), `http.forbidden` (403)
 */
export async function checkRecord(
  subject: Model | AccessSubject,
  op: AccessOperation,
  user: RequestUser | undefined,
  record: Subject,
  notFound: () => Error,
  change?: Subject,
): Promise<void> {
  if (await allows(subject, op, user, record, change)) return
  if (op === 'get' || !(await allows(subject, 'get', user, record))) throw notFound()
  throw forbidden(subject, op, 'the access rule refuses this record')
}

/**
 * Checks a create's input (the owner field already set to the caller) against the `create` rule.
 * @throws HttpError `http.forbidden` (403)
 */
export async function checkInput(
  subject: Model | AccessSubject,
  user: RequestUser | undefined,
  input: Subject,
  item?: number,
): Promise<void> {
  if (await allows(subject, 'create', user, input)) return
  throw forbidden(subject, 'create', item === undefined ? 'the access rule refuses this input' : `the access rule refuses item ${item}`)
}

/**
 * The access of a request to one operation of a model: checks the operation's gate (401/403) and,
 * for a list under an `'owner'` rule, scopes it to the caller (admins see all).
 * @throws HttpError `http.unauthorized` (401), `http.forbidden` (403)
 */
export function accessFor(model: Model | AccessSubject, op: AccessOperation, c: Context<S3verlessEnv>): ModelAccess {
  const user = c.get('user')
  gate(model, op, user)
  const scoped = ruleOf(model, op) === 'owner' && user !== undefined && !user.isAdmin
  return { user, userId: user?.id, scopedTo: scoped ? user.id : undefined }
}

/**
 * The guard a delete over HTTP passes to the repository: every record a cascade would delete must
 * pass the `delete` rule of its own model for this caller, or nothing is deleted.
 */
export const cascadeGuard =
  (user: RequestUser | undefined) =>
  (model: Model, record: Subject): Promise<boolean> =>
    allows(model, 'delete', user, record)

/**
 * Checks a list or search predicate (`list: (user, { filter }) => …`) on the filter asked for.
 * Other rules were settled by {@link accessFor}.
 * @throws HttpError `http.forbidden` (403)
 */
export async function checkList(subject: Model | AccessSubject, user: RequestUser | undefined, filter: Subject): Promise<void> {
  const rule = ruleOf(subject, 'list')
  if (typeof rule !== 'function' || !user || user.isAdmin) return
  if ((await rule(user, { filter })) !== true) throw forbidden(subject, 'list', 'the access rule refuses this query')
}
