export type { ApiIndex } from './app/api-index.js'
export type { S3verlessSchema } from './app/app-schema.js'
export type { AppData } from './app/build-database.js'
export type { RequestUser, S3verlessEnv } from './app/env.js'
export type { CorsOptions, S3verlessOptions } from './app/options.js'
export type { S3verlessApp } from './app/s3verless.js'
export { CORS_EXPOSED_HEADERS, createS3verlessApp, S3verless } from './app/s3verless.js'
export { setupDone, setupFirstAdmin } from './auth/admin-setup.js'
export type { AuthRoutesOptions } from './auth/auth-routes.js'
export { authRoutes } from './auth/auth-routes.js'
export type { AuthRoutes, AuthRoutesSchema, TokensJson } from './auth/auth-routes-types.js'
export { bearerUser, requireAuth, requireRole } from './auth/bearer.js'
export type { ClientAddressOf } from './auth/client-address.js'
export {
  behindTrustedProxies,
  cloudflareClientAddress,
  defaultClientAddress,
  lambdaClientAddress,
  nodeClientAddress,
} from './auth/client-address.js'
export type { ModelAccess } from './crud/access.js'
export type { CrudContext, ModelRoutesOptions } from './crud/crud-context.js'
export { CRUD_DEFAULTS } from './crud/crud-context.js'
export type { CursorSeal } from './crud/cursor-seal.js'
export { cursorSeal } from './crud/cursor-seal.js'
export type { CursorPage, NumberedPage } from './crud/list-records.js'
export { modelRoutes } from './crud/model-routes.js'
export type {
  CreateBody,
  JsonEndpoint,
  ListQuery,
  ModelRoutes,
  ModelRoutesSchema,
  PatchBody,
  ProblemEndpoint,
  SearchBody,
} from './crud/model-routes-types.js'
export type { DocsAssetFile, DocsAssets } from './docs/docs-assets.js'
export { DOCS_ASSET_FILES } from './docs/docs-assets.js'
export { docsRoute } from './docs/docs-route.js'
export type { ErrorHandlerOptions } from './errors/error-handler.js'
export { errorHandler, notFoundHandler, wwwAuthenticate } from './errors/error-handler.js'
export { HttpError } from './errors/http-error.js'
export { HTTP_ERROR_CODES, HTTP_STATUS_BY_CODE, statusForCode } from './errors/http-status.js'
export type { FieldError, ProblemDetails } from './errors/problem-details.js'
export { PROBLEM_JSON, problemResponse } from './errors/problem-details.js'
export type { ProblemContext } from './errors/to-problem.js'
export { problemFor } from './errors/to-problem.js'
export type { HealthRouteOptions, HealthStatus } from './health-route.js'
export { healthRoute } from './health-route.js'
export type { UploadAccessRules, UploadInput } from './uploads/upload-access.js'
export { DEFAULT_UPLOAD_ACCESS } from './uploads/upload-access.js'
export type { UploadRoutes, UploadRoutesSchema } from './uploads/upload-routes-types.js'
