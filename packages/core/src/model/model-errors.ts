import { S3verlessError, type S3verlessErrorOptions } from '../errors.js'

/** One problem found while validating input, with the path of the field it concerns. */
export interface FieldIssue {
  /** Path of the field, e.g. `['address', 'city']`; `[]` for the whole object. */
  path: (string | number)[]
  message: string
  code?: string
}

/** A model was defined with invalid options (unknown field in `unique`, reserved plural, …). */
export class ModelDefinitionError extends S3verlessError {
  override readonly name: string = 'ModelDefinitionError'
  constructor(message: string, options: S3verlessErrorOptions = {}) {
    super('model.definition', message, options)
  }
}

/** Input failed the model's schema; `issues` lists each field's path and message. Nothing was written. */
export class ValidationError extends S3verlessError {
  override readonly name: string = 'ValidationError'
  readonly issues: FieldIssue[]
  constructor(model: string, issues: FieldIssue[], options: S3verlessErrorOptions = {}) {
    const summary = issues
      .slice(0, 5)
      .map((i) => `${i.path.length ? i.path.join('.') : '(record)'}: ${i.message}`)
      .join('; ')
    super('model.validation', `Invalid ${model}: ${summary}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`, {
      ...options,
      details: { ...options.details, model, issues },
    })
    this.issues = issues
  }
}

/** Another record already holds a unique value (or a concurrent write is claiming it). */
export class UniqueConstraintError extends S3verlessError {
  override readonly name: string = 'UniqueConstraintError'
  readonly field: string
  readonly value: unknown
  constructor(model: string, field: string, value: unknown, options: S3verlessErrorOptions & { inFlight?: boolean } = {}) {
    const why = options.inFlight ? 'is being claimed by a concurrent write' : 'is already taken'
    super('model.unique', `${model}.${field} must be unique: ${JSON.stringify(value)} ${why}`, {
      ...options,
      details: { ...options.details, model, field, value, inFlight: options.inFlight ?? false },
    })
    this.field = field
    this.value = value
  }
}

/** The record changed since it was read (stale `ifMatch` etag, or a lost race): re-read and retry. */
export class ConflictError extends S3verlessError {
  override readonly name: string = 'ConflictError'
  constructor(model: string, id: string, options: S3verlessErrorOptions & { message?: string } = {}) {
    super('model.conflict', options.message ?? `${model} ${id} was changed by another write; re-read it and try again`, {
      ...options,
      details: { ...options.details, model, id },
    })
  }
}

/** No record with that id. */
export class RecordNotFoundError extends S3verlessError {
  override readonly name: string = 'RecordNotFoundError'
  constructor(model: string, id: string, options: S3verlessErrorOptions = {}) {
    super('model.notFound', `${model} ${id} not found`, { ...options, details: { ...options.details, model, id } })
  }
}

/** A stored object no longer parses as the model; names the key. */
export class CorruptRecordError extends S3verlessError {
  override readonly name: string = 'CorruptRecordError'
  readonly key: string
  constructor(model: string, key: string, reason: string, options: S3verlessErrorOptions = {}) {
    super('model.corrupt', `Stored ${model} at ${key} is unreadable: ${reason}`, {
      ...options,
      details: { ...options.details, model, key },
    })
    this.key = key
  }
}

/** An id that is not a UUID, rejected before any request. */
export class InvalidIdError extends S3verlessError {
  override readonly name: string = 'InvalidIdError'
  constructor(model: string, id: unknown) {
    super('model.invalidId', `${model} id must be a UUID, got ${JSON.stringify(id)}`, { details: { model, id } })
  }
}

/** A delete was refused because related records exist and the relation says `restrict`. */
export class RestrictError extends S3verlessError {
  override readonly name: string = 'RestrictError'
  constructor(model: string, id: string, relation: string, related: string, options: S3verlessErrorOptions = {}) {
    super(
      'model.restricted',
      `Cannot delete ${model} ${id}: related ${related} records exist (relation "${relation}" is onDelete: restrict)`,
      {
        ...options,
        details: { ...options.details, model, id, relation, related },
      },
    )
  }
}

/**
 * A delete would cascade to a record its caller may not delete (the `mayCascade` guard of
 * `Repository.delete` refused it). Found while planning, so nothing was written.
 */
export class CascadeForbiddenError extends S3verlessError {
  override readonly name: string = 'CascadeForbiddenError'
  constructor(model: string, id: string, relation: string, related: string, options: S3verlessErrorOptions = {}) {
    super(
      'access.cascadeForbidden',
      `Cannot delete ${model} ${id}: it would also delete ${related} records (${relation}) that you may not delete`,
      { ...options, details: { ...options.details, model, id, relation, related } },
    )
  }
}

/** An index or unique constraint is declared but not yet built for the data already stored: run `reindex()`. */
export class IndexNotReadyError extends S3verlessError {
  override readonly name: string = 'IndexNotReadyError'
  constructor(model: string, what: string) {
    super(
      'model.indexNotReady',
      `${model}: ${what} is declared but not built for the records already stored; run reindex() (it builds it and marks it ready)`,
      {
        details: { model, index: what },
      },
    )
  }
}
