/** What can become of a shown completion, and a count of each. */
export type OutcomeKind = 'shown' | 'accepted' | 'partial' | 'dismissed';

export const OUTCOME_KINDS: readonly OutcomeKind[] = ['shown', 'accepted', 'partial', 'dismissed'];

export type OutcomeCounts = Record<OutcomeKind, number>;
