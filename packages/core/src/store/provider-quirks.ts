/**
 * Behaviour that differs between S3 providers. Quirks are options of `s3Store`, not forks.
 */
export interface ProviderQuirks {
  /** Send etags in `If-Match` without quotes (Ceph RGW 16 only matches unquoted ones). */
  unquotedIfMatch: boolean
  /** A 5xx answer to a conditional PUT means "lost a race": report `Conflict` instead of retrying (Ceph RGW). */
  serverErrorOnConditionalPutIsConflict: boolean
  /** The provider honours `If-Match` on DELETE (AWS does; Ceph RGW 16 ignores it). */
  conditionalDelete: boolean
}

/** Known providers' quirks. `aws` is also right for most S3-compatible services. */
export const PROVIDERS = {
  aws: {
    unquotedIfMatch: false,
    serverErrorOnConditionalPutIsConflict: false,
    conditionalDelete: true,
  },
  ceph: {
    unquotedIfMatch: true,
    serverErrorOnConditionalPutIsConflict: true,
    conditionalDelete: false,
  },
} as const satisfies Record<string, ProviderQuirks>

/** A provider name or explicit quirks. */
export type ProviderName = keyof typeof PROVIDERS

/** Resolves a provider name (or quirks on top of `aws`) to a full set of quirks. */
export function resolveQuirks(provider: ProviderName | Partial<ProviderQuirks> | undefined): ProviderQuirks {
  if (provider === undefined) return PROVIDERS.aws
  if (typeof provider === 'string') return PROVIDERS[provider]
  return { ...PROVIDERS.aws, ...provider }
}
