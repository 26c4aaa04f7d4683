/**
 * What Ondi is doing right now, as the status bar shows it. Kept apart from the status bar
 * widget so the wording is unit-tested and shared by every surface that reports state.
 */
export type OndiState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly detail?: string; readonly learning?: LearningActivity }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'disabled' };

/** What personal learning is doing while completions are ready (they keep working meanwhile). */
export type LearningActivity =
  | {
      readonly kind: 'learning';
      readonly percent: number;
      readonly held: boolean;
      /** Estimated seconds of learning left, once known. */
      readonly secondsLeft?: number;
    }
  | { readonly kind: 'paused' };

export interface StatusPresentation {
  /** Status bar text; `$(name)` is a codicon. */
  readonly text: string;
  readonly tooltip: string;
}

export function presentStatus(state: OndiState): StatusPresentation {
  switch (state.kind) {
    case 'loading':
      return { text: '$(loading~spin) Ondi', tooltip: 'Ondi: loading the on-device model…' };
    case 'ready': {
      const tooltip = state.detail ? `Ondi: ready. ${state.detail}` : 'Ondi: ready';
      const learning = state.learning;
      if (learning?.kind === 'learning') {
        const percent = `${Math.round(learning.percent)}%`;
        return {
          text: `$(sparkle) Ondi ${learning.held ? '$(debug-pause)' : '$(sync~spin)'} ${percent}`,
          tooltip: `${tooltip}. Training your personal model: ${percent}${learning.held ? ', held while you type' : ''} (completions keep working)`,
        };
      }
      if (learning?.kind === 'paused') {
        return {
          text: '$(sparkle) Ondi $(debug-pause)',
          tooltip: `${tooltip}. Learning is paused ("Ondi: Resume Learning")`,
        };
      }
      return { text: '$(sparkle) Ondi', tooltip };
    }
    case 'error':
      return {
        text: '$(error) Ondi',
        tooltip: `Ondi: ${state.message} (click for the dashboard; "Ondi: Show Log" has the details)`,
      };
    case 'disabled':
      return {
        text: '$(circle-slash) Ondi',
        tooltip: 'Ondi: inline completions are off ("Ondi: Toggle Inline Completions" turns them on)',
      };
  }
}

/** The ready tooltip's line about the model: "pruned-int8 model, 10.3M parameters, loaded in 180 ms". */
export function describeModel(stage: string, params: number, loadMs: number): string {
  const size = params > 0 ? `, ${(params / 1e6).toFixed(1)}M parameters` : '';
  return `${stage} model${size}, loaded in ${Math.round(loadMs)} ms`;
}
