import type { InferRecord, Model } from '@s3verless/core'
import type { Hono } from 'hono'
import type { JSONParsed } from 'hono/utils/types'
import type { S3verlessEnv } from '../app/env.js'
import type { CursorPage, NumberedPage } from './list-records.js'

type Json<I, O, S extends number> = { input: I; output: JSONParsed<O>; outputFormat: 'json'; status: S }
type Id = { param: { id: string } }

/**
 * The route types of {@link modelRoutes}, written out so declaration files stay small and a
 * `hc<typeof app>` client knows each route's answer (records with dates as ISO strings).
 */
export type ModelRoutesSchema<M extends Model> = {
  '/': {
    $get: Json<{ query: Record<string, string | string[]> }, CursorPage<InferRecord<M>> | NumberedPage<InferRecord<M>>, 200>
    $post: Json<{ json: Record<string, unknown> }, InferRecord<M>, 201>
  }
  '/search': { $post: Json<{ json: Record<string, unknown> }, CursorPage<InferRecord<M>> | NumberedPage<InferRecord<M>>, 200> }
  '/bulk': { $post: Json<{ json: { items: Record<string, unknown>[] } }, { items: InferRecord<M>[] }, 201> }
  '/bulk/delete': { $post: Json<{ json: { ids: string[] } }, { deleted: number }, 200> }
  '/:id': {
    $get: Json<Id, InferRecord<M>, 200> | { input: Id; output: null; outputFormat: 'body'; status: 304 }
    $patch: Json<Id & { json: Record<string, unknown> }, InferRecord<M>, 200>
    $put: Json<Id & { json: Record<string, unknown> }, InferRecord<M>, 200>
    $delete: { input: Id; output: null; outputFormat: 'body'; status: 204 }
  }
}

/** The Hono app {@link modelRoutes} returns. */
export type ModelRoutes<M extends Model> = Hono<S3verlessEnv, ModelRoutesSchema<M>, '/'>
