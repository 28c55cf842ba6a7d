import type { AnyObjectSchema, InferRecord, Model } from '@s3verless/core'
import type { FilterInput } from '@s3verless/query'
import type { Hono } from 'hono'
import type { JSONParsed } from 'hono/utils/types'
import type * as z from 'zod'
import type { S3verlessEnv } from '../app/env.js'
import type { ProblemDetails } from '../errors/problem-details.js'
import type { CursorPage, NumberedPage } from './list-records.js'

/** A JSON answer with a status, as `hc` reads route types. */
export type JsonEndpoint<I, O, S extends number> = { input: I; output: JSONParsed<O>; outputFormat: 'json'; status: S }
/** The problem+json answers a route may give (statuses from core's `ERROR_CODES`). */
export type ProblemEndpoint<I, S extends number> = { input: I; output: ProblemDetails; outputFormat: 'json'; status: S }
type Empty<I, S extends number> = { input: I; output: null; outputFormat: 'body'; status: S }
type Id = { param: { id: string } }

/** The schema of a model (what its create and update bodies are typed from). */
type SchemaOf<M> = M extends Model<infer S extends AnyObjectSchema> ? S : never

/** What `POST` and `PUT` take: the schema's input (defaults optional); server fields are set by the server. */
export type CreateBody<M extends Model> = z.input<SchemaOf<M>>
/** What `PATCH` takes: any subset of the schema's input fields. */
export type PatchBody<M extends Model> = Partial<z.input<SchemaOf<M>>>

/** A filter operand as a query-string value: the string form, or a value `hc` turns into one. */
type QueryValue<V> = V extends readonly (infer E)[]
  ? QueryValue<E>[] | string
  : V extends null
    ? 'null'
    : V extends boolean
      ? boolean | 'true' | 'false'
      : V extends number | bigint
        ? number | bigint | `${number}`
        : V extends Date
          ? string
          : V extends string
            ? V
            : string

/** Each filter key of `F` with its query-string value. */
type QueryOf<F> = { [K in keyof F]?: QueryValue<F[K]> }

/**
 * The query string of a model's list route, per field kind: `field=v` and `field__op=v` for exactly
 * the operators that fit the field (numbers and dates take ranges, strings the text operators,
 * enums their values), plus ordering and paging. An unknown field is a type error.
 */
export type ListQuery<M extends Model> = QueryOf<FilterInput<InferRecord<M>>> & {
  /** A field, `-` first for descending (`-price`). */
  orderBy?: string
  order_by?: string
  sort_by?: string
  sort_order?: 'asc' | 'desc'
  /** Text searched case-insensitively in `fields` (any of them matching). */
  q?: string
  /** Comma-separated text fields for `q` (default: every string field). */
  fields?: string
  limit?: number | `${number}`
  cursor?: string
  page?: number | `${number}`
  pageSize?: number | `${number}`
  page_size?: number | `${number}`
}

/** The JSON body of `POST /{plural}/search`. */
export interface SearchBody<M extends Model> {
  filter?: FilterInput<InferRecord<M>>
  exclude?: FilterInput<InferRecord<M>>
  /** Text searched case-insensitively in `fields` (any of them matching). */
  q?: string
  /** Text fields for `q` (default: every string field). */
  fields?: string[]
  /** Answer `{ plan }` (access path, predicted requests) without reading records. */
  explain?: boolean
  orderBy?: string
  limit?: number
  cursor?: string
  page?: number
  pageSize?: number
}

type Page<M extends Model> = CursorPage<InferRecord<M>> | NumberedPage<InferRecord<M>>
/** Answers every model route may give: 401 (sign in), 403 (the access rule refuses), 503 (store or index unavailable). */
type Always = 401 | 403 | 503

/**
 * The route types of {@link modelRoutes}, relative to the collection, written out so declaration
 * files stay small: request bodies from the model's create/update schemas, query parameters per
 * field kind, answers with dates as ISO strings, and the problem+json errors of each route.
 */
export type ModelRoutesSchema<M extends Model> = {
  '/': {
    $get: JsonEndpoint<{ query: ListQuery<M> }, Page<M>, 200> | ProblemEndpoint<{ query: ListQuery<M> }, 400 | 422 | Always>
    $post: JsonEndpoint<{ json: CreateBody<M> }, InferRecord<M>, 201> | ProblemEndpoint<{ json: CreateBody<M> }, 400 | 409 | 422 | Always>
  }
  '/search': {
    $post: JsonEndpoint<{ json: SearchBody<M> }, Page<M>, 200> | ProblemEndpoint<{ json: SearchBody<M> }, 400 | 422 | Always>
  }
  '/bulk': {
    $post:
      | JsonEndpoint<{ json: { items: CreateBody<M>[] } }, { items: InferRecord<M>[] }, 201>
      | ProblemEndpoint<{ json: { items: CreateBody<M>[] } }, 400 | 409 | 422 | Always>
  }
  '/bulk/delete': {
    $post:
      | JsonEndpoint<{ json: { ids: string[] } }, { deleted: number }, 200>
      | ProblemEndpoint<{ json: { ids: string[] } }, 404 | 409 | 422 | Always>
  }
  '/:id': {
    $get: JsonEndpoint<Id, InferRecord<M>, 200> | Empty<Id, 304> | ProblemEndpoint<Id, 404 | Always>
    $patch:
      | JsonEndpoint<Id & { json: PatchBody<M> }, InferRecord<M>, 200>
      | ProblemEndpoint<Id & { json: PatchBody<M> }, 404 | 409 | 412 | 422 | Always>
    $put:
      | JsonEndpoint<Id & { json: CreateBody<M> }, InferRecord<M>, 200 | 201>
      | ProblemEndpoint<Id & { json: CreateBody<M> }, 404 | 409 | 412 | 422 | Always>
    $delete: Empty<Id, 204> | ProblemEndpoint<Id, 404 | 409 | 412 | Always>
  }
}

/** The Hono app {@link modelRoutes} returns. */
export type ModelRoutes<M extends Model> = Hono<S3verlessEnv, ModelRoutesSchema<M>, '/'>
