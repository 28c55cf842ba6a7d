/** Credentials that sign S3 requests. */
export interface S3Credentials {
  accessKeyId: string
  secretAccessKey: string
  /** For temporary credentials (STS, Lambda's role). */
  sessionToken?: string
}

/** Fixed credentials, or a function asked before each request (it should cache and refresh them itself). */
export type S3CredentialsSource = S3Credentials | (() => Promise<S3Credentials>)

/** The credentials to sign with now. */
export async function resolveCredentials(source: S3CredentialsSource): Promise<S3Credentials> {
  return typeof source === 'function' ? source() : source
}
