/** One field's problem in a 422 answer: the JSON path of the field and what is wrong. */
export interface FieldError {
  /** The field's path, e.g. `['price']` or `['address', 'city']`; `[]` for the whole body. */
  path: (string | number)[]
  message: string
}

/**
 * An RFC 9457 problem details body, as every S3verless error response carries, with the stable
 * S3verless error `code` and, where useful, per-field `errors` or other extension members
 * (`field` for `model.unique`, `plan` for `query.tooExpensive`, `index` for `model.indexNotReady`).
 */
export interface ProblemDetails {
  /** A URI identifying the problem type; `about:blank` when the status says it all. */
  type: string
  /** Short summary of the problem type (for `about:blank`, the HTTP status phrase). */
  title: string
  status: number
  /** What went wrong this time, for a human. */
  detail: string
  /** Stable S3verless error code (`model.validation`, `health.storeUnavailable`). */
  code: string
  /** Per-field problems (422). */
  errors?: FieldError[]
  /** Further extension members. */
  [extension: string]: unknown
}

/** The media type of problem details bodies. */
export const PROBLEM_JSON = 'application/problem+json'

/** The reason phrases of RFC 9110 §15 (and 6585, 7725, 8470), so a problem's title says what happened. */
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  423: 'Locked',
  424: 'Failed Dependency',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
}

/** The HTTP status phrase used as a problem's `title` (`Client Error`/`Server Error` for a status with none). */
export const statusTitle = (status: number): string => TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error')

/** A `Response` carrying `problem` as `application/problem+json`, with its status. */
export function problemResponse(problem: ProblemDetails, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { ...headers, 'content-type': PROBLEM_JSON },
  })
}
