import {
  abstractKey,
  abstractOfKey,
  actionKey,
  isPerformable,
  type Action,
  type PerformableAction,
} from '../signals/actions';
import { TransitionTable } from './transitionTable';

/**
 * Learns which step a user takes next from the steps just before it: contexts of the last
 * one, two and three actions, each both as they were ("save:src/cart.test.ts") and abstracted
 * to the file's kind ("save:*.test.ts"), so a habit carries over to files never seen before.
 * Predictions blend the levels from general to specific (each level smoothed towards the one
 * below, as in interpolated variable-order Markov models); older habits fade with `decay`.
 *
 * Only performable steps are predicted. Every context seen since the previous performable
 * step learns the next one, so "save a test, edit, run tests" still teaches "save a test ->
 * run tests".
 */
export interface SequenceModelOptions {
  readonly maxOrder: number;
  /** Weight a transition keeps per later one (0.99: half-life of about 70 steps). */
  readonly decay: number;
  /** How much a level trusts the level below it before it has its own evidence. */
  readonly smoothing: number;
}

export const DEFAULT_SEQUENCE_OPTIONS: SequenceModelOptions = Object.freeze({ maxOrder: 3, decay: 0.99, smoothing: 1 });

/** A predicted step with the evidence behind it. */
export interface SequencePrediction {
  readonly action: PerformableAction;
  readonly key: string;
  readonly probability: number;
  /** The most specific context that saw this step, and how often (undecayed). */
  readonly context: string | undefined;
  readonly count: number;
}

/**
 * A learned habit a person can read and delete: "after `trigger`, you did `next`", as the
 * one-step contexts hold it. A trigger is abstract (a kind of file) wherever the action has
 * a file, so one habit is listed once rather than once per file.
 */
export interface Habit {
  readonly trigger: string;
  readonly next: PerformableAction;
  readonly nextKey: string;
  /** How many times it happened (not decayed). */
  readonly count: number;
  /** How much it weighs now (decayed). */
  readonly weight: number;
}

const ORDER_ZERO = '';
const MAX_PENDING = 8;

export class SequenceModel {
  private readonly table: TransitionTable;
  private history: Action[] = [];
  private pending: string[][] = [];
  /** The latest concrete form of each performable step (its runnable command line, say). */
  private readonly examples = new Map<string, PerformableAction>();

  constructor(readonly options: SequenceModelOptions = DEFAULT_SEQUENCE_OPTIONS) {
    this.table = new TransitionTable(options.decay);
  }

  /** Feeds one action, in the order they happened. */
  observe(action: Action): void {
    if (isPerformable(action)) {
      const key = actionKey(action);
      const contexts = new Set(this.pending.flat());
      contexts.add(ORDER_ZERO);
      for (const context of contexts) this.table.add(context, key);
      this.table.tick();
      this.examples.set(key, action);
      this.pending = [];
    }
    this.history = [...this.history.slice(-(this.options.maxOrder - 1)), action];
    this.pending = [...this.pending.slice(-(MAX_PENDING - 1)), this.contexts()];
  }

  /** The steps most likely to come next, best first. */
  predict(limit: number, exclude: (key: string) => boolean = () => false): SequencePrediction[] {
    const levels = this.contexts();
    const candidates = new Set<string>();
    for (const level of [ORDER_ZERO, ...levels]) for (const [key] of this.table.following(level)) candidates.add(key);
    const predictions: SequencePrediction[] = [];
    const baseTotal = this.table.total(ORDER_ZERO);
    for (const key of candidates) {
      const action = this.examples.get(key);
      if (!action || exclude(key)) continue;
      let probability = baseTotal > 0 ? this.table.get(ORDER_ZERO, key).weight / baseTotal : 0;
      let context: string | undefined;
      let count = 0;
      for (const level of levels) {
        const seen = this.table.get(level, key);
        probability =
          (seen.weight + this.options.smoothing * probability) / (this.table.total(level) + this.options.smoothing);
        if (seen.count > 0 && seen.count >= count) {
          context = level;
          count = seen.count;
        }
      }
      predictions.push({ action, key, probability, context, count });
    }
    predictions.sort((a, b) => b.probability - a.probability || a.key.localeCompare(b.key));
    return predictions.slice(0, limit);
  }

  /** The most recent action, if any. */
  get last(): Action | undefined {
    return this.history[this.history.length - 1];
  }

  /** Forgets a step everywhere (its file was deleted, or the user asked). */
  forget(key: string): void {
    this.table.forgetNext(key);
    this.examples.delete(key);
  }

  /** The habits seen at least `minCount` times, most frequent first. */
  habits(limit: number, minCount = 2): Habit[] {
    const habits: Habit[] = [];
    for (const context of this.table.contexts()) {
      const match = /^1([~=])(.*)$/.exec(context);
      if (!match) continue;
      const [, form, trigger = ''] = match;
      // a concrete one-step context with an abstract sibling is counted there
      if (form === '=' && abstractOfKey(trigger) !== trigger) continue;
      for (const [nextKey, { count, weight }] of this.table.following(context)) {
        const next = this.examples.get(nextKey);
        if (next && count >= minCount) habits.push({ trigger, next, nextKey, count, weight });
      }
    }
    habits.sort(
      (a, b) =>
        b.count - a.count ||
        b.weight - a.weight ||
        a.trigger.localeCompare(b.trigger) ||
        a.nextKey.localeCompare(b.nextKey),
    );
    return habits.slice(0, limit);
  }

  /**
   * Forgets a habit: `next` after every context that ends with `trigger`, at any order and in
   * any form, so no longer context brings it back. Returns how many transitions went.
   */
  forgetHabit(trigger: string, nextKey: string): number {
    let removed = 0;
    for (const context of [...this.table.contexts()]) {
      if (context === ORDER_ZERO) continue;
      const step = lastStepOf(context);
      if ((step === trigger || abstractOfKey(step) === trigger) && this.table.forget(context, nextKey)) removed++;
    }
    return removed;
  }

  /**
   * The context keys of the current moment, general to specific: for each order, the
   * abstract form (file kinds) and then the concrete one. Each key names its order so that
   * different orders never share counts.
   */
  private contexts(): string[] {
    const keys: string[] = [];
    for (let order = 1; order <= Math.min(this.options.maxOrder, this.history.length); order++) {
      const recent = this.history.slice(-order);
      const concrete = recent.map(actionKey).join(' > ');
      const abstract = recent.map((action) => abstractKey(action) ?? actionKey(action)).join(' > ');
      if (abstract !== concrete) keys.push(`${order}~${abstract}`);
      keys.push(`${order}=${concrete}`);
    }
    return keys;
  }
}

/** The last action of a context key, for reason strings ("after saving a *.test.ts file"). */
export function lastStepOf(context: string): string {
  const body = context.replace(/^\d+[~=]/, '');
  const parts = body.split(' > ');
  return parts[parts.length - 1] ?? body;
}
