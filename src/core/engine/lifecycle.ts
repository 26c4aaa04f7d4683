import { Emitter } from '../base/emitter';
import type { CompletionEngine } from '../complete/types';
import { describeError, type Logger } from '../log';
import type { OndiState } from '../status';

/** A loaded engine together with what it takes to release it. */
export interface EngineHandle {
  readonly engine: CompletionEngine;
  /** One line about the loaded model for the ready tooltip (stage, size, load time). */
  readonly summary?: string;
  /** Where a personal model plugs into this engine (absent for engines that take none). */
  readonly personal?: PersonalSlot;
  /**
   * Whether the tokenizer library, in the engine's own thread, may fetch models over the
   * network: read from the library after loading (the dashboard shows it).
   */
  readonly remoteModelLoading?: boolean;
  /** Frees the model's native memory; called once, on dispose or when the handle is replaced. */
  dispose(): Promise<void> | void;
  /**
   * Hears, at most once, that the engine stopped by itself (its thread crashed or exited);
   * the lifecycle then drops it and shows the error state. Engines that cannot stop leave it out.
   */
  onDidStop?(listener: (error: Error) => void): void;
}

/** The running engine's socket for what the user's code taught (see core/adapt/personalModel.ts). */
export interface PersonalSlot {
  /** Identifies the base weights; a personal model trained for others must not be applied. */
  readonly modelId: string;
  /** The base model's dimensions, which a personal model file must have too. */
  readonly shape?: BaseShape;
  /**
   * Reads, checks and applies the personal model file at `file` (or, with undefined, removes
   * the personal model) and drops remembered suggestions; resolves once completions use it.
   * The engine reads the file itself, in its own thread. A file that does not fit rejects
   * with an AdapterFileError, and completions go on with the base model alone.
   */
  apply(file: string | undefined): Promise<void>;
}

export interface BaseShape {
  readonly hidden: number;
  readonly vocab: number;
}

/** Loads the engine; rejects (with a message a person can act on) when the model is missing or broken. */
export type EngineLoader = () => Promise<EngineHandle>;

/** How an engine that stopped by itself is started again. */
export interface RestartPolicy {
  readonly delayMs: number;
  /** At most this many restarts within windowMs; a crash beyond that stays an error. */
  readonly maxRestarts: number;
  readonly windowMs: number;
}

export const DEFAULT_RESTART: RestartPolicy = { delayMs: 2_000, maxRestarts: 3, windowMs: 10 * 60_000 };

/**
 * Owns the engine's load in the background and the state that comes with it
 * (loading -> ready | error), and releases the model when the extension goes away. Listeners
 * hear every change; a failed load leaves an error state instead of throwing into the editor.
 * An engine that stops by itself (its thread crashed) is loaded again after a moment, unless
 * it keeps crashing.
 */
export class EngineLifecycle {
  private currentState: OndiState = { kind: 'loading' };
  private handle: EngineHandle | undefined;
  private loading: Promise<void> | undefined;
  private disposed = false;
  private lastLoader: EngineLoader | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly restarts: number[] = [];

  private readonly changes: Emitter<OndiState>;

  constructor(
    private readonly log: Logger,
    private readonly restart: RestartPolicy = DEFAULT_RESTART,
  ) {
    this.changes = new Emitter((error) => log.error('a state listener failed', error));
  }

  get state(): OndiState {
    return this.currentState;
  }

  /** The loaded engine's personal-model slot, while one is loaded. */
  get personal(): PersonalSlot | undefined {
    return this.handle?.personal;
  }

  /** What the loaded engine's tokenizer library says of remote loading; undefined until one is loaded. */
  get remoteModelLoading(): boolean | undefined {
    return this.handle?.remoteModelLoading;
  }

  /** The loaded engine, or undefined while loading, on error, or after dispose. */
  get engine(): CompletionEngine | undefined {
    return this.handle?.engine;
  }

  onDidChangeState(listener: (state: OndiState) => void): { dispose(): void } {
    return this.changes.listen(listener);
  }

  /** Starts a load unless one is running; resolves when it has settled (never rejects). */
  start(load: EngineLoader): Promise<void> {
    this.lastLoader = load;
    this.loading ??= this.runLoad(load).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Releases the model; a load still running is released as soon as it lands. */
  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.restartTimer);
    this.changes.dispose();
    const handle = this.handle;
    this.handle = undefined;
    await this.release(handle);
  }

  private async runLoad(load: EngineLoader): Promise<void> {
    if (this.disposed) return;
    this.setState({ kind: 'loading' });
    const previous = this.handle;
    this.handle = undefined;
    await this.release(previous);
    const started = Date.now();
    try {
      const handle = await load();
      if (this.disposed) {
        // The extension was deactivated while the model loaded: nobody will use it.
        await this.release(handle);
        return;
      }
      this.handle = handle;
      handle.onDidStop?.((error) => this.stopped(handle, error));
      this.log.info(`model loaded in ${Date.now() - started} ms${handle.summary ? ` (${handle.summary})` : ''}`);
      this.setState(handle.summary ? { kind: 'ready', detail: handle.summary } : { kind: 'ready' });
    } catch (error) {
      this.log.error('loading the model failed', error);
      this.setState({ kind: 'error', message: `the model failed to load: ${describeError(error)}` });
    }
  }

  /** The engine in use ended on its own: no completions until it is loaded again. */
  private stopped(handle: EngineHandle, error: Error): void {
    if (this.handle !== handle) return;
    this.handle = undefined;
    this.log.error('the completion engine stopped', error);
    void this.release(handle);
    const now = Date.now();
    while (this.restarts.length > 0 && now - (this.restarts[0] as number) > this.restart.windowMs)
      this.restarts.shift();
    const load = this.lastLoader;
    if (!load || this.restarts.length >= this.restart.maxRestarts) {
      this.setState({
        kind: 'error',
        message: `the completion engine stopped: ${describeError(error)}${load ? ' (it keeps stopping: reload the window to start it again)' : ''}`,
      });
      return;
    }
    this.restarts.push(now);
    this.setState({
      kind: 'error',
      message: `the completion engine stopped: ${describeError(error)}; starting it again`,
    });
    this.restartTimer = setTimeout(() => {
      this.log.info('starting the completion engine again');
      void this.start(load);
    }, this.restart.delayMs);
  }

  private async release(handle: EngineHandle | undefined): Promise<void> {
    try {
      await handle?.dispose();
    } catch (error) {
      this.log.error('releasing the model failed', error);
    }
  }

  private setState(state: OndiState): void {
    this.currentState = state;
    this.changes.fire(state);
  }
}
