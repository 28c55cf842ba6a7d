import type { Database } from '@s3verless/core'
import type { ErrorHandlerOptions } from '../errors/error-handler.js'
import type { CursorSeal } from './cursor-seal.js'

/** What the CRUD routes of every model share. */
export interface CrudContext {
  database: Database
  /** A list or search never reads more than this many records in a full scan (default 1000). */
  maxScan: number
  /** Largest `limit`/`pageSize` accepted (default 100). */
  maxLimit: number
  /** `limit` when none is given (default 20). */
  defaultLimit: number
  /** Most records a bulk request may carry (default 100). */
  maxBulk: number
  /** Most values of one list operand in a filter (`id__in`, `category__in`, `__nin`…), default 100. */
  maxListValues: number
  /**
   * The secret list cursors are sealed with (the app's `SECRET_KEY`): cursors are encrypted and
   * authenticated, never raw store keys. Without it, a random key of this process.
   */
  cursorSecret?: string
  /** A ready cursor seal (the `S3verless` app makes one from its settings); takes precedence over `cursorSecret`. */
  cursors?: CursorSeal
}

/** The defaults of {@link CrudContext}'s limits. */
export const CRUD_DEFAULTS = { maxScan: 1000, maxLimit: 100, defaultLimit: 20, maxBulk: 100, maxListValues: 100 } as const

/** What `modelRoutes` takes: a database, and optionally the limits (see {@link CRUD_DEFAULTS}) and a 5xx hook. */
export type ModelRoutesOptions = Pick<CrudContext, 'database'> & Partial<Omit<CrudContext, 'database'>> & ErrorHandlerOptions
