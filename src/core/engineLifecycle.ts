import type { CompletionEngine } from './complete/types';
import { describeError, type Logger } from './log';
import type { OndiState } from './status';

/** Loads the engine; resolves undefined when no model is installed. */
export type EngineLoader = () => Promise<CompletionEngine | undefined>;

export const NO_MODEL_DETAIL = 'No model is installed yet, so no completions are offered.';

/**
 * Owns the engine's load in the background and the state that comes with it
 * (loading -> ready | error). Listeners hear every change; a failed load leaves an error state
 * instead of throwing into the editor.
 */
export class EngineLifecycle {
  private currentState: OndiState = { kind: 'loading' };
  private currentEngine: CompletionEngine | undefined;
  private readonly listeners = new Set<(state: OndiState) => void>();
  private loading: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  get state(): OndiState {
    return this.currentState;
  }

  /** The loaded engine, or undefined while loading, on error, or when no model exists. */
  get engine(): CompletionEngine | undefined {
    return this.currentEngine;
  }

  onDidChangeState(listener: (state: OndiState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Starts a load unless one is running; resolves when it has settled (never rejects). */
  start(load: EngineLoader): Promise<void> {
    this.loading ??= this.runLoad(load).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async runLoad(load: EngineLoader): Promise<void> {
    this.setState({ kind: 'loading' });
    const started = Date.now();
    try {
      this.currentEngine = await load();
      const ms = Date.now() - started;
      if (this.currentEngine) {
        this.log.info(`model loaded in ${ms} ms`);
        this.setState({ kind: 'ready' });
      } else {
        this.log.info(NO_MODEL_DETAIL);
        this.setState({ kind: 'ready', detail: NO_MODEL_DETAIL });
      }
    } catch (error) {
      this.currentEngine = undefined;
      this.log.error('loading the model failed', error);
      this.setState({ kind: 'error', message: `the model failed to load: ${describeError(error)}` });
    }
  }

  private setState(state: OndiState): void {
    this.currentState = state;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (error) {
        this.log.error('a state listener failed', error);
      }
    }
  }
}
