import * as vscode from 'vscode';
import type { DashboardData, DashboardMessage, DashboardRequest } from '../../core/dashboard/dashboardData';
import { parseDashboardRequest } from '../../core/dashboard/requests';
import type { Logger } from '../../core/log';
import { dashboardHtml, dashboardResourceRoots } from './dashboardHtml';

export const DASHBOARD_VIEW_TYPE = 'ondi.dashboard';
/** Changes arrive per keystroke while typing; the page follows them at most this often. */
const REFRESH_MS = 1000;

export interface DashboardPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly log: Logger;
  /** Builds the figures from the stores, now. */
  readonly read: () => Promise<DashboardData>;
  /** Does what the page asked for (the page's "ready" is answered here). */
  readonly handle: (request: DashboardRequest) => Promise<void>;
}

/**
 * The one dashboard panel: opened or revealed by "Ondi: Show Dashboard", redrawn shortly
 * after its figures change while it is visible. A hidden panel keeps nothing alive (its page
 * is discarded, retainContextWhenHidden is off) and costs nothing: no timer runs and nothing
 * is posted; when it is shown again its page asks for the figures anew.
 */
export class DashboardPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private subscriptions: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** One refresh at a time; a change during one asks for another after it. */
  private refreshing: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: DashboardPanelDeps) {}

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const { extensionUri } = this.deps;
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Ondi Dashboard', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: dashboardResourceRoots(extensionUri),
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.html = dashboardHtml(panel.webview, extensionUri);
    this.panel = panel;
    this.subscriptions = [
      panel.webview.onDidReceiveMessage((raw: unknown) => this.received(raw)),
      panel.onDidDispose(() => this.closed()),
    ];
  }

  /** Something the dashboard shows may have changed. */
  changed(): void {
    if (!this.panel?.visible || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, REFRESH_MS);
  }

  /** Tells the page that a long action is under way (undefined: it is over). */
  busy(what: string | undefined): void {
    this.post({ type: 'busy', what });
  }

  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        if (!this.panel?.visible) return;
        try {
          this.post({ type: 'data', data: await this.deps.read() });
        } catch (error) {
          this.deps.log.error('the dashboard could not read its figures', error);
        }
      } while (this.again);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  dispose(): void {
    this.panel?.dispose();
    this.closed();
  }

  private received(raw: unknown): void {
    const request = parseDashboardRequest(raw);
    if (!request) return;
    if (request.type === 'ready') {
      void this.refresh();
      return;
    }
    this.deps
      .handle(request)
      .catch((error: unknown) => this.deps.log.error(`dashboard: ${request.type} failed`, error));
  }

  private post(message: DashboardMessage): void {
    if (this.panel?.visible) void this.panel.webview.postMessage(message);
  }

  private closed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.subscriptions.forEach((s) => s.dispose());
    this.subscriptions = [];
    this.panel = undefined;
  }
}
