import type { OndiConfig } from '../config';
import { createPathExcluder } from '../privacy/globs';

export interface DocumentFacts {
  readonly languageId: string;
  readonly path: string;
}

export type OfferDecision = { readonly offer: true } | { readonly offer: false; readonly reason: string };

/**
 * Decides, before any model work, whether a document may get completions at all. Cheap and
 * synchronous so the provider can answer "nothing" without waiting.
 */
export function createOfferGate(config: OndiConfig): (document: DocumentFacts) => OfferDecision {
  const isExcluded = createPathExcluder(config.disabledGlobs);
  const languages = new Set(config.languages);
  return (document) => {
    if (!config.enable) {
      return { offer: false, reason: 'inline completions are turned off (ondi.enable)' };
    }
    if (!languages.has(document.languageId)) {
      return { offer: false, reason: `language ${document.languageId} is not in ondi.languages` };
    }
    if (isExcluded(document.path)) {
      return { offer: false, reason: 'the file matches ondi.disabledGlobs' };
    }
    return { offer: true };
  };
}
