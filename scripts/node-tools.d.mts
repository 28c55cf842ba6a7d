/** The path of a Node binary of `major`, installing it from the npm registry when missing. */
export function ensureNode(major: number | string): string
