/**
 * What Ondi is doing right now, as the status bar shows it. Kept apart from the status bar
 * widget so the wording is unit-tested and shared by every surface that reports state.
 */
export type OndiState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly detail?: string }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'disabled' };

export interface StatusPresentation {
  /** Status bar text; `$(name)` is a codicon. */
  readonly text: string;
  readonly tooltip: string;
}

export function presentStatus(state: OndiState): StatusPresentation {
  switch (state.kind) {
    case 'loading':
      return { text: '$(loading~spin) Ondi', tooltip: 'Ondi: loading the on-device model…' };
    case 'ready':
      return {
        text: '$(sparkle) Ondi',
        tooltip: state.detail ? `Ondi: ready. ${state.detail}` : 'Ondi: ready',
      };
    case 'error':
      return { text: '$(error) Ondi', tooltip: `Ondi: ${state.message} (click for the log)` };
    case 'disabled':
      return { text: '$(circle-slash) Ondi', tooltip: 'Ondi: inline completions are off (click to turn on)' };
  }
}
