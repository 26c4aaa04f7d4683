/** Shannon entropy of a string's characters, in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

const digits = (s: string): number => s.replace(/[^0-9]/g, '').length;

/**
 * A long hex string that is a key rather than a number or a word: letters and digits well
 * mixed (random hex of 32 characters has about 3.7 bits per character).
 */
export function looksLikeHexKey(s: string): boolean {
  const d = digits(s);
  return d >= 2 && s.length - d >= 2 && !hasAlphabetRun(s) && entropy(s) > 3;
}

/**
 * A base64 (or base64url) string that is a key rather than an identifier: upper and lower case
 * and a digit, and near the entropy random characters of that length have. Identifiers, even
 * long camelCase ones, stay well below (about 3.7 bits).
 */
export function looksLikeBase64Key(s: string): boolean {
  const body = s.replace(/=+$/, '');
  if (body.length < 20 || !/[0-9]/.test(body) || !/[a-z]/.test(body) || !/[A-Z]/.test(body)) return false;
  if (looksLikeIdentifier(body) || hasAlphabetRun(body)) return false;
  return entropy(body) > (body.length >= 32 ? 4.2 : 3.9);
}

/**
 * camelCase names and paths with digits (`isBigInt64ArrayAvailable`, `Context2D/roundRect`):
 * made of words, so no lowercase letter stands alone, which random text almost always has.
 */
function looksLikeIdentifier(s: string): boolean {
  return /^[A-Za-z0-9_$/-]+$/.test(s) && (s.match(/[a-z]+/g) ?? []).every((run) => run.length >= 2);
}

/** `abcdef`, `012345`: an alphabet written out (a base64 table), not a key. */
function hasAlphabetRun(s: string, length = 5): boolean {
  let run = 1;
  for (let i = 1; i < s.length; i++) {
    run = s.charCodeAt(i) === s.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run >= length) return true;
  }
  return false;
}
