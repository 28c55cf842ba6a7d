export type { HealthRouteOptions, HealthStatus } from './health-route.js'
export { healthRoute } from './health-route.js'
export type { ProblemDetails } from './problem-details.js'
export { PROBLEM_JSON } from './problem-details.js'
