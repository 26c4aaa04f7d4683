import { findSecrets, LEGACY_MARKER } from './secretScan';

const MARKER = new RegExp(`\\b${LEGACY_MARKER}\\b`);

/**
 * A suggestion is cut right before the first secret it would type (the line left of the
 * cursor is scanned with it, so `password = "` followed by a suggested value counts), and
 * before the redaction marker older personal models learned. What is left may be empty.
 */
export function cutBeforeSecret(linePrefix: string, completion: string): string {
  let cut = completion.length;
  const marker = MARKER.exec(completion);
  if (marker) cut = marker.index;
  for (const span of findSecrets(linePrefix + completion)) {
    if (span.end <= linePrefix.length) continue;
    cut = Math.min(cut, Math.max(0, span.start - linePrefix.length));
    break;
  }
  return completion.slice(0, cut);
}
