import type { DashboardRequest } from './dashboardData';

const SIMPLE = new Set([
  'ready',
  'pauseLearning',
  'resumeLearning',
  'trainNow',
  'measureLift',
  'deleteEverything',
  'showMenu',
]);

/** A message from the webview, checked: anything else (a stale or malformed page) is ignored. */
export function parseDashboardRequest(raw: unknown): DashboardRequest | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if (typeof m['type'] !== 'string') return undefined;
  if (SIMPLE.has(m['type'])) return { type: m['type'] } as DashboardRequest;
  if (m['type'] === 'deleteHabit' && typeof m['trigger'] === 'string' && typeof m['next'] === 'string') {
    return { type: 'deleteHabit', trigger: m['trigger'], next: m['next'] };
  }
  return undefined;
}
