import { type Model, SettingsError } from '@s3verless/core'

/**
 * Refuses a served model whose plural is the first path segment of one of the app's own routes
 * (`routes`: segment → what is served there): Hono would answer the path with whichever was
 * mounted first, so one would silently shadow the other.
 * @throws SettingsError `settings.invalid` naming the model, its plural, the route and the fix.
 */
export function checkRouteCollisions(served: readonly Model[], routes: Record<string, string>): void {
  for (const { name, plural } of served) {
    const route = Object.hasOwn(routes, plural) ? routes[plural] : undefined
    if (route === undefined) continue
    throw new SettingsError(
      `S3verless: model ${name}'s plural "${plural}" collides with ${route} of this app (one would shadow the other): ` +
        `give the model another plural (defineModel(schema, { name: '${name}', plural: '…' })); this app reserves ${Object.keys(routes).join(', ')}`,
      { details: { variables: ['models'], model: name, plural, route } },
    )
  }
}
