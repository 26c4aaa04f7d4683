/** Tokens of the workspace the adapter and the neighbour store learn (model time: about a minute on two cores). */
export const LEARNED_TOKENS = 100_000;

/**
 * Tokens of the workspace the cache model and the snippets read: the learned ones only. Reading
 * more costs no model time, but on two large projects 1,000,000 and the whole project gave no
 * more than these once the cache reads the code near the cursor (`eval completion
 * --cache-tokens N` measures it), and each token costs six bytes of memory.
 */
export const CACHE_TOKENS = LEARNED_TOKENS;
