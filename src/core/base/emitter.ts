export interface Disposable {
  dispose(): void;
}

/**
 * A list of listeners called in the order they were added. A listener that throws is reported
 * to `onListenerError` and the others are still called.
 */
export class Emitter<T = void> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  listen(listener: (value: T) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(value: T): void {
    // a copy: a listener may add or dispose listeners while it is called
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
