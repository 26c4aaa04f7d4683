import type { DashboardData, DashboardMessage, DashboardRequest } from '../core/dashboard/dashboardData';
import { ChartBoard, readTheme } from './charts';
import { completionsCard } from './completions';
import { button, el } from './dom';
import { modelCard } from './modelCard';
import { nextStepsCard } from './nextSteps';
import { personalCard } from './personal';
import { privacyCard } from './privacy';

/**
 * The dashboard page: draws what the extension posts and posts back what the person asks
 * for. It keeps no timers: it redraws only when a message arrives or the theme changes.
 */
declare function acquireVsCodeApi(): { postMessage(message: DashboardRequest): void };

/** What the page shows: the latest data and the action under way, if any. */
interface PageState {
  data: DashboardData | undefined;
  busy: string | undefined;
}

function startPage(): void {
  const vscode = acquireVsCodeApi();
  const post = (request: DashboardRequest): void => vscode.postMessage(request);
  const charts = new ChartBoard();
  const app = document.getElementById('app') ?? document.body;
  const state: PageState = { data: undefined, busy: undefined };
  const redraw = (): void => render(state, app, charts, post);

  window.addEventListener('message', (event: MessageEvent<DashboardMessage>) => {
    const message = event.data;
    if (message.type === 'data') state.data = message.data;
    else if (message.type === 'busy') state.busy = message.what;
    redraw();
  });

  // VS Code swaps the body's theme class and its CSS variables when the theme changes.
  new MutationObserver(redraw).observe(document.body, { attributes: true, attributeFilter: ['class'] });

  post({ type: 'ready' });
}

function render(
  { data, busy }: PageState,
  app: HTMLElement,
  charts: ChartBoard,
  post: (request: DashboardRequest) => void,
): void {
  if (!data) return;
  const theme = readTheme();
  charts.begin();
  const header = el(
    'header',
    {},
    el('h1', {}, 'Ondi'),
    el(
      'span',
      { class: 'updated' },
      `on-device code model · updated ${new Date(data.generatedAt).toLocaleTimeString()}`,
    ),
    button('Ondi menu', () => post({ type: 'showMenu' }), { class: 'secondary' }),
  );
  app.replaceChildren(
    header,
    el(
      'div',
      { class: 'grid' },
      modelCard(data.model, charts, theme),
      completionsCard(data.completions, charts, theme),
      personalCard(
        data.personal,
        charts,
        theme,
        {
          pause: () => post({ type: 'pauseLearning' }),
          resume: () => post({ type: 'resumeLearning' }),
          train: () => post({ type: 'trainNow' }),
          measure: () => post({ type: 'measureLift' }),
        },
        busy,
      ),
      nextStepsCard(data.next, (trigger, next) => post({ type: 'deleteHabit', trigger, next })),
      privacyCard(data.privacy, () => post({ type: 'deleteEverything' })),
    ),
  );
  charts.end();
}

startPage();
