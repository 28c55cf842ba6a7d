/**
 * An RFC 9457 problem details body, as every S3verless error response carries, with the stable
 * S3verless error `code`.
 */
export interface ProblemDetails {
  /** A URI identifying the problem type; `about:blank` when the status says it all. */
  type: string
  /** Short summary of the problem type (for `about:blank`, the HTTP status phrase). */
  title: string
  status: number
  /** What went wrong this time, for a human. */
  detail: string
  /** Stable S3verless error code (`health.storeUnavailable`). */
  code: string
}

/** The media type of problem details bodies. */
export const PROBLEM_JSON = 'application/problem+json'

/** A `Response` carrying `problem` as `application/problem+json`, with its status. */
export function problemResponse(problem: ProblemDetails, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { ...headers, 'content-type': PROBLEM_JSON },
  })
}
