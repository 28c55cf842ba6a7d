import pkg from '../package.json' with { type: 'json' }

/** This package's version, as published (bundled from package.json at build time). */
export const CLI_VERSION: string = pkg.version
