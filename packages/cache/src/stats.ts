/** `hits / (hits + misses)`, or 0 before the first lookup. */
export const hitRate = (hits: number, misses: number): number => {
  const lookups = hits + misses
  return lookups === 0 ? 0 : hits / lookups
}
