/**
 * Where the auth package keeps its objects in the bucket (DESIGN.md §4), under `{base}_auth/`:
 * - `refresh/{sha256(token)}.json`   a refresh token, found by its hash in one GET
 * - `families/{sessionId}.json`      a session (refresh token family): its current token, state, device
 * - `sessions/{userId}/{sessionId}`  the per-user list of sessions (empty objects)
 * - `revoked/{jti}`                  a blacklisted access token, one object per token
 */
export class AuthKeys {
  readonly root: string
  readonly refreshPrefix: string
  readonly familyPrefix: string
  readonly revokedPrefix: string

  constructor(readonly basePath: string) {
    this.root = `${basePath}_auth/`
    this.refreshPrefix = `${this.root}refresh/`
    this.familyPrefix = `${this.root}families/`
    this.revokedPrefix = `${this.root}revoked/`
  }

  refresh(hash: string): string {
    return `${this.refreshPrefix}${hash}.json`
  }

  family(sessionId: string): string {
    return `${this.familyPrefix}${sessionId}.json`
  }

  /** The session id in a family key, or `undefined`. */
  familyIdOf(key: string): string | undefined {
    return key.startsWith(this.familyPrefix) && key.endsWith('.json') ? key.slice(this.familyPrefix.length, -'.json'.length) : undefined
  }

  sessionPrefix(userId: string): string {
    return `${this.root}sessions/${userId}/`
  }

  session(userId: string, sessionId: string): string {
    return `${this.sessionPrefix(userId)}${sessionId}`
  }

  revoked(jti: string): string {
    return `${this.revokedPrefix}${jti}`
  }
}
