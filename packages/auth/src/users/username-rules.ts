import { normalizeUsername } from './normalize.js'

/** Longest username, in characters (code points), before and after normalisation. */
export const MAX_USERNAME_LENGTH = 64

/**
 * Characters a username may not hold: white space and separators, controls, format characters
 * (zero-width space and joiners, bidi controls), private-use and unassigned code points, and
 * everything Unicode marks Default_Ignorable (variation selectors, the Hangul fillers U+115F,
 * U+1160, U+3164, U+FFA0, …), plus the blank braille pattern U+2800, which renders as nothing.
 */
const INVISIBLE = /[\s\p{Z}\p{C}\p{Default_Ignorable_Code_Point}\u2800]/u

/** Scripts a username may combine with each other (UTS #39 "Highly Restrictive"): Latin with one East Asian writing system. */
const ALLOWED_MIXES: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
]

const SCRIPT_NAMES =
  'Latin Cyrillic Greek Han Hiragana Katakana Hangul Bopomofo Arabic Hebrew Armenian Georgian Devanagari Bengali Gurmukhi Gujarati Oriya Tamil Telugu Kannada Malayalam Sinhala Thai Lao Tibetan Myanmar Khmer Ethiopic Cherokee Canadian_Aboriginal Mongolian Thaana Syriac Nko Tifinagh Vai Yi Coptic Glagolitic Runic Ogham Gothic Deseret Osage Adlam Lisu Javanese Balinese Sundanese Cham Tagalog Buginese Batak Lepcha Limbu Ol_Chiki Meetei_Mayek Saurashtra Chakma Bamum Tai_Le Tai_Tham Tai_Viet New_Tai_Lue Kayah_Li Rejang Hanifi_Rohingya Samaritan Mandaic Old_Italic Old_Turkic Cuneiform Egyptian_Hieroglyphs Linear_A Linear_B Braille'.split(
    ' ',
  )

let scriptTests: [string, RegExp][] | undefined
/** `\p{Script=…}` tests, built once; a name this runtime does not know is left out. */
function scripts(): [string, RegExp][] {
  scriptTests ??= SCRIPT_NAMES.flatMap((name): [string, RegExp][] => {
    try {
      return [[name, new RegExp(`\\p{Script=${name}}`, 'u')]]
    } catch {
      return []
    }
  })
  return scriptTests
}

/** The scripts of a name's letters (common characters such as digits, `_`, `-`, `.` belong to none). */
export function scriptsOf(text: string): string[] {
  const found = new Set<string>()
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue
    found.add(scripts().find(([, test]) => test.test(ch))?.[0] ?? 'Other')
  }
  return [...found].sort()
}

/**
 * Why a new username is refused, one sentence per problem (empty when it is fine). A username is
 * 1–64 characters with no space, control, format or invisible character (zero-width, fillers),
 * and its letters come from one script (or Latin with Han plus Japanese kana, Bopomofo or Hangul).
 * Checked on the name as typed and on its normalised form. What is not caught: a name written
 * wholly in another script that looks like a Latin one (all-Cyrillic `аррӏе`), and look-alikes
 * within one script (`rn` and `m`).
 */
export function usernameProblems(username: string): string[] {
  if (typeof username !== 'string' || username.length === 0) return ['must not be empty']
  const problems: string[] = []
  const normalized = normalizeUsername(username)
  if (INVISIBLE.test(username) || INVISIBLE.test(normalized))
    problems.push('must not contain spaces, control, format or invisible characters (zero-width, fillers)')
  if ([...username].length > MAX_USERNAME_LENGTH || [...normalized].length > MAX_USERNAME_LENGTH)
    problems.push(`must be at most ${MAX_USERNAME_LENGTH} characters`)
  const used = scriptsOf(normalized)
  if (used.length > 1 && !ALLOWED_MIXES.some((mix) => used.every((s) => mix.includes(s))))
    problems.push(`must not mix scripts (it mixes ${used.join(' and ')}), so it cannot pass for another name`)
  return problems
}
