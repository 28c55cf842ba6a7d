/**
 * Prints the README's "Error codes" table from the table in code (`ERROR_CODES` in
 * packages/core/src/error-codes.ts): `npx tsx --conditions=@s3verless/source examples/readme/print-error-codes.ts`.
 * A test (examples/readme/test/readme.test.ts) fails when the README and the table disagree.
 */
import { ERROR_CODES } from '@s3verless/core'

console.log('| code | HTTP | meaning |')
console.log('| --- | --- | --- |')
for (const [code, { status, meaning }] of Object.entries(ERROR_CODES)) console.log(`| \`${code}\` | ${status} | ${meaning} |`)
