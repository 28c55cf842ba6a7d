import type { Database } from '@s3verless/core'

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
}
