import * as z from 'zod'

/**
 * A small OpenAPI 3.1 registry on zod 4's own JSON Schema conversion (`z.toJSONSchema`). It replaces
 * `@hono/zod-openapi`, which imports zod's `z` object whole (its 64 locales included) and patches
 * zod's prototypes at load: ~300 KiB minified in every bundle of an app that serves its docs.
 */

type Content = Record<string, { schema: z.ZodType }>
type Header = { schema: { type: 'string' }; description?: string }
type Response = { description: string; content?: Content; headers?: Record<string, Header> }

/** One operation, in the shape `@hono/zod-openapi`'s `registerPath` took. */
export interface PathSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** The path, parameters in braces (`/products/{id}`). */
  path: string
  tags?: string[]
  summary?: string
  description?: string
  security?: Record<string, string[]>[] | undefined
  request?: { query?: z.ZodObject; params?: z.ZodObject; headers?: z.ZodObject; body?: { content: Content } }
  responses: Record<number, Response | undefined>
}

const names = new WeakMap<z.ZodType, string>()

/** Names a schema: the document lists it under `components.schemas` and refers to it by `$ref`. */
export function named<T extends z.ZodType>(schema: T, name: string): T {
  names.set(schema, name)
  return schema
}

/** zod's metadata (descriptions, examples) plus our names as ids, which `toJSONSchema` moves to `$defs`. */
const metadata = {
  get: (schema: z.ZodType) => {
    const meta = z.globalRegistry.get(schema)
    const id = names.get(schema)
    return id ? { ...meta, id } : meta
  },
  has: (schema: z.ZodType) => names.has(schema) || z.globalRegistry.has(schema),
} as unknown as z.core.$ZodRegistry<z.core.GlobalMeta>

type JsonSchema = Record<string, unknown>

/** Collects operations and renders the OpenAPI 3.1 document. */
export class OpenApiRegistry {
  private readonly operations: PathSpec[] = []
  private readonly securitySchemes: Record<string, unknown> = {}

  /** Adds one operation. */
  registerPath(spec: PathSpec): void {
    this.operations.push(spec)
  }

  /** Adds a security scheme (`bearer`). */
  registerSecurityScheme(name: string, scheme: Record<string, unknown>): void {
    this.securitySchemes[name] = scheme
  }

  /** The whole document. */
  document(info: { title: string; description?: string; version: string }, servers: { url: string }[]): JsonSchema {
    const components: Record<string, JsonSchema> = {}
    const convert = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
      const {
        $schema: _,
        $defs,
        ...json
      } = z.toJSONSchema(schema, {
        target: 'draft-2020-12',
        metadata,
        io,
        unrepresentable: 'any',
        override: (ctx) => {
          if (ctx.zodSchema._zod.def.type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' })
        },
      }) as JsonSchema & { $defs?: Record<string, JsonSchema> }
      // A named schema inside another (a transaction's operation) refers to its siblings by `#/$defs/` too.
      const toComponents = (schema: JsonSchema) =>
        JSON.parse(JSON.stringify(schema).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema
      for (const [id, def] of Object.entries($defs ?? {})) components[id] ??= toComponents(def)
      return toComponents(json)
    }
    const content = (c: Content, io: 'input' | 'output') =>
      Object.fromEntries(Object.entries(c).map(([type, { schema }]) => [type, { schema: convert(schema, io) }]))
    const parameters = (shape: z.ZodObject | undefined, where: 'query' | 'path' | 'header') =>
      Object.entries(shape?.shape ?? {}).map(([name, field]) => {
        const schema = convert(field as z.ZodType, 'input')
        const { description, ...rest } = schema
        return {
          name,
          in: where,
          required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
          schema: rest,
          ...(description ? { description } : {}),
        }
      })
    const response = (r: Response) => ({
      description: r.description,
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.content ? { content: content(r.content, 'output') } : {}),
    })
    const paths: Record<string, Record<string, unknown>> = {}
    for (const op of this.operations) {
      const request = op.request ?? {}
      const params = [
        ...parameters(request.params, 'path'),
        ...parameters(request.query, 'query'),
        ...parameters(request.headers, 'header'),
      ]
      paths[op.path] ??= {}
      ;(paths[op.path] as Record<string, unknown>)[op.method] = {
        ...(op.tags ? { tags: op.tags } : {}),
        ...(op.summary ? { summary: op.summary } : {}),
        ...(op.description ? { description: op.description } : {}),
        ...(op.security ? { security: op.security } : {}),
        ...(params.length ? { parameters: params } : {}),
        ...(request.body ? { requestBody: { required: true, content: content(request.body.content, 'input') } } : {}),
        responses: Object.fromEntries(Object.entries(op.responses).flatMap(([status, r]) => (r ? [[status, response(r)]] : []))),
      }
    }
    return {
      openapi: '3.1.0',
      info,
      ...(servers.length ? { servers } : {}),
      paths,
      components: { schemas: components, securitySchemes: this.securitySchemes },
    }
  }
}
