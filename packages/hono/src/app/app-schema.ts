import type { Model } from '@s3verless/core'
import type { MergeSchemaPath } from 'hono/types'
import type { AuthRoutesSchema } from '../auth/auth-routes-types.js'
import type { JsonEndpoint, ModelRoutesSchema, ProblemEndpoint } from '../crud/model-routes-types.js'
import type { HealthStatus } from '../health-route.js'
import type { UploadRoutesSchema } from '../uploads/upload-routes-types.js'
import type { ApiIndex } from './api-index.js'

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never

/** One model's routes under `/{plural}` (the plural as the model's literal type). */
type ModelPaths<M> = M extends Model<infer _S, infer P> ? MergeSchemaPath<ModelRoutesSchema<M>, `/${P}`> : never

/** Every model's routes. */
type ModelsSchema<Ms extends readonly Model[]> = UnionToIntersection<{ [K in keyof Ms]: ModelPaths<Ms[K]> }[number]>

/**
 * The route types of an app `S3verless` builds for models `Ms`: each model's CRUD routes, the auth
 * routes under `/auth` and the upload routes under `/uploads` (present when auth and uploads are
 * on), `/`, `/health` and `/openapi.json`. `hc<S3verlessApp<Ms>>` reads them.
 */
export type S3verlessSchema<Ms extends readonly Model[]> = ModelsSchema<Ms> &
  MergeSchemaPath<AuthRoutesSchema, '/auth'> &
  MergeSchemaPath<UploadRoutesSchema, '/uploads'> & {
    '/': { $get: JsonEndpoint<object, ApiIndex, 200> }
    '/health': { $get: JsonEndpoint<object, HealthStatus, 200> | ProblemEndpoint<object, 503> }
    '/openapi.json': { $get: JsonEndpoint<object, Record<string, unknown>, 200> }
  }
