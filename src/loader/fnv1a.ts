/**
 * 32-bit FNV-1a (Fowler, Noll, Vo): a fast, non-cryptographic hash for
 * fingerprints that must be the same in every thread and every run. The
 * loader fingerprints datasets and options with it (loader-state.ts); tests
 * compare pixels by it.
 */

/** FNV-1a's offset basis: the hash of nothing. */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/**
 * FNV-1a over code units: a string's UTF-16 code units, or bytes (each
 * element taken as one unit, so pass bytes, 0..255). Continues from `h`, so
 * hashes chain: fnv1a(b, fnv1a(a)) === fnv1a(a + b).
 */
export function fnv1a(units: string | ArrayLike<number>, h = FNV_OFFSET): number {
  if (typeof units === 'string') {
    for (let i = 0; i < units.length; i++) h = Math.imul(h ^ units.charCodeAt(i), FNV_PRIME);
  } else {
    for (let i = 0; i < units.length; i++) h = Math.imul(h ^ units[i], FNV_PRIME);
  }
  return h >>> 0;
}
