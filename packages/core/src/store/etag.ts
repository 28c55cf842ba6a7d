/** Removes the quotes S3 puts around etags (and a weak `W/` marker). */
export const unquoteEtag = (etag: string): string => etag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1')

/** Wraps an etag in quotes, as HTTP headers carry it. */
export const quoteEtag = (etag: string): string => `"${unquoteEtag(etag)}"`
