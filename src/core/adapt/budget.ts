/** Tokens of the workspace the adapter and the neighbour store learn (model time: about a minute on two cores). */
export const LEARNED_TOKENS = 100_000;

/**
 * Tokens of the workspace the cache model and the snippets read: the learned ones, then the
 * newest files past them. Reading costs no model time and six bytes a token in memory, so a
 * large project is read far past what is learned.
 */
export const CACHE_TOKENS = 100_000;
