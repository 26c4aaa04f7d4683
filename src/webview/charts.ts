import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
} from 'chart.js';
import { el } from './dom';

// Only the parts the dashboard draws, so the bundle stays small.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

export interface Theme {
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly blue: string;
  readonly green: string;
  readonly yellow: string;
  readonly red: string;
  readonly orange: string;
  readonly purple: string;
}

/** The current theme's colors from VS Code's CSS variables (read again whenever the theme changes). */
export function readTheme(): Theme {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const theme = {
    foreground: v('--vscode-foreground', '#cccccc'),
    muted: v('--vscode-descriptionForeground', '#999999'),
    grid: v('--vscode-charts-lines', 'rgba(128, 128, 128, 0.35)'),
    blue: v('--vscode-charts-blue', '#3794ff'),
    green: v('--vscode-charts-green', '#89d185'),
    yellow: v('--vscode-charts-yellow', '#cca700'),
    red: v('--vscode-charts-red', '#f14c4c'),
    orange: v('--vscode-charts-orange', '#d18616'),
    purple: v('--vscode-charts-purple', '#b180d7'),
  };
  Chart.defaults.color = theme.foreground;
  Chart.defaults.borderColor = theme.grid;
  Chart.defaults.font.family = v('--vscode-font-family', 'sans-serif');
  Chart.defaults.font.size = 11;
  // drawn once per update: no animation frames to pay for
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  return theme;
}

interface Kept {
  readonly wrap: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  chart: Chart | undefined;
  config: ChartConfiguration;
}

/**
 * Charts that survive re-rendering: a render asks for a chart by key, gets the same canvas
 * back (moved into the new markup) and the chart takes the new data; charts not asked for
 * in a render are destroyed. New charts start once their canvas is in the document.
 */
export class ChartBoard {
  private readonly kept = new Map<string, Kept>();
  private used = new Set<string>();

  begin(): void {
    this.used = new Set();
  }

  chart<T extends ChartType>(key: string, label: string, typed: ChartConfiguration<T>, height = 180): HTMLElement {
    // kept untyped: one board holds charts of every type
    const config = typed as unknown as ChartConfiguration;
    this.used.add(key);
    const kept = this.kept.get(key);
    if (kept && kept.config.type === config.type) {
      kept.config = config;
      kept.canvas.setAttribute('aria-label', label);
      return kept.wrap;
    }
    kept?.chart?.destroy();
    const canvas = el('canvas', { role: 'img', 'aria-label': label });
    const wrap = el('div', { class: 'chart', 'data-chart': key }, canvas);
    wrap.style.height = `${height}px`;
    this.kept.set(key, { wrap, canvas, chart: undefined, config });
    return wrap;
  }

  /** After the markup is in the document: start new charts, update the others, drop the unused. */
  end(): void {
    for (const [key, kept] of this.kept) {
      if (!this.used.has(key)) {
        kept.chart?.destroy();
        this.kept.delete(key);
      } else if (!kept.chart) {
        kept.chart = new Chart(kept.canvas, kept.config);
      } else {
        kept.chart.data = kept.config.data;
        kept.chart.options = kept.config.options ?? {};
        kept.chart.update('none');
      }
    }
  }
}
