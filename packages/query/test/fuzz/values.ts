import type { Rng } from './rng.js'

/** The field kinds the fuzzer puts in its models. */
export type Kind = 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'array'

export const ENUM_VALUES = ['alpha', 'beta', 'Gamma', 'δ'] as const

const LONG_L = 'L'.repeat(300)
const LONG_M = 'M'.repeat(255)

/** Strings that sort awkwardly: escapes, case, combining marks, astral characters, long values sharing a kept prefix. */
export const STRINGS: readonly string[] = [
  '',
  ' ',
  '/',
  '0',
  '00',
  'a',
  'A',
  'ab',
  'abc',
  'b',
  'B',
  'z',
  '\u0001',
  'a\u0000b',
  'é',
  'e\u0301',
  'ß',
  'STRASSE',
  'Σοφος',
  '😀',
  '😀a',
  'a😀',
  '\uffff',
  '\u{10ffff}',
  '2024-01-05',
  '2024-01-05T00:00:00.000Z',
  LONG_L,
  `${LONG_L}a`,
  `${LONG_L}b`,
  `${LONG_L}ab`,
  `${LONG_L}😀`,
  `${LONG_M}😀tail`,
  `${LONG_M}😀tailx`,
  `${LONG_M}z`,
  '\u0001'.repeat(140),
  `${'\u0001'.repeat(140)}x`,
  `${'é'.repeat(130)}a`,
  `${'é'.repeat(130)}b`,
]

/** Numbers at the edges: zero of both signs, fractions, tiny and huge magnitudes. */
export const NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  -1.5,
  2,
  10,
  -10,
  2.71,
  1e-300,
  -1e-300,
  Number.MIN_VALUE,
  -Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  1e308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
]

const utc = (year: number, month = 0, day = 1, h = 0, m = 0, s = 0, ms = 0) => {
  const d = new Date(0)
  d.setUTCFullYear(year, month, day)
  d.setUTCHours(h, m, s, ms)
  return d.getTime()
}

/** Instants (epoch ms) including extended years, before 1970, and the ends of the Date range. */
export const DATE_MS: readonly number[] = [
  0,
  1,
  -1,
  utc(2024, 0, 5),
  utc(2024, 0, 5, 12, 30),
  utc(2024, 0, 5, 23, 59, 59, 999),
  utc(2023, 5, 1),
  utc(1969, 11, 31, 23, 59, 59, 999),
  utc(0),
  utc(-100, 6, 4),
  utc(9999, 11, 31),
  utc(10000),
  utc(12345, 2, 4),
  8.64e15,
  -8.64e15,
]

export function randomValue(rng: Rng, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return rng.chance(0.85) ? rng.pick(STRINGS) : `${rng.pick(STRINGS)}${rng.pick(STRINGS).slice(0, 3)}`
    case 'number':
      return rng.chance(0.8) ? rng.pick(NUMBERS) : Math.round((rng.next() - 0.5) * 200) / 4
    case 'boolean':
      return rng.chance(0.5)
    case 'date':
      return new Date(rng.chance(0.8) ? rng.pick(DATE_MS) : utc(2024, 0, 1) + rng.int(10) * 3_600_000)
    case 'enum':
      return rng.pick(ENUM_VALUES)
    case 'array':
      return Array.from({ length: rng.int(4) }, () => rng.pick(STRINGS.slice(0, 12)))
  }
}

const pad = (n: number, width: number) => String(Math.abs(n)).padStart(width, '0')

/**
 * ISO-8601 spellings of one instant that the documented semantics read as that instant: `Z`, an
 * offset, offset-less (UTC), a bare date at midnight, and the extended-year form `+002024-…`.
 */
export function isoSpellings(ms: number): string[] {
  const d = new Date(ms)
  const year = d.getUTCFullYear()
  const yearText = (width: number) => (year < 0 ? '-' : width === 6 ? '+' : '') + pad(year, width)
  const rest = `-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}`
  const out = [d.toISOString()]
  const extended = `${yearText(6)}${rest}`
  out.push(`${extended}T${time}Z`)
  if (year >= 0 && year <= 9999) {
    const plain = `${yearText(4)}${rest}`
    out.push(`${plain}T${time}`)
    if (time === '00:00:00.000') out.push(plain, extended)
    // The same instant written at +02:00.
    const shifted = new Date(ms + 2 * 3_600_000)
    if (shifted.getUTCFullYear() >= 0 && shifted.getUTCFullYear() <= 9999) {
      out.push(`${shifted.toISOString().slice(0, -1)}+02:00`)
    }
  }
  return out
}

/** Strings that look like dates but name none (or are not ISO at all). */
export const NOT_DATES: readonly string[] = ['2024-02-30', '2024-13-01', 'hello', '2024-1-5', '2024-01-05T25:00', '']
