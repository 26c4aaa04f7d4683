import { isFileKind, type Action, type ActionEvent } from './actions';

/**
 * The per-workspace history of actions, in memory: bounded (the oldest events go first) and
 * compacted as it grows (a burst of edits, or of undos, to one file is one event; re-opening the file
 * already open is no event). Validation of stored events lives here too, so that whatever is
 * read back from disk is a well-formed Action.
 */
export const DEFAULT_MAX_EVENTS = 5000;
/** Repeated edits (or undos) of one file closer together than this are one step. */
const EDIT_BURST_MS = 10 * 60_000;

export class EventLog {
  private list: ActionEvent[] = [];

  constructor(readonly maxEvents = DEFAULT_MAX_EVENTS) {}

  get events(): readonly ActionEvent[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  /** Appends an event; returns false when compaction absorbed it (nothing new to learn). */
  append(event: ActionEvent): boolean {
    const last = this.list[this.list.length - 1];
    if (last && absorbs(last, event)) {
      this.list[this.list.length - 1] = { at: event.at, action: last.action };
      return false;
    }
    this.list.push(event);
    if (this.list.length > this.maxEvents) {
      // Drop a tenth at once so trimming is rare; recency decay made those events weigh little.
      this.list = this.list.slice(this.list.length - Math.floor(this.maxEvents * 0.9));
    }
    return true;
  }

  clear(): void {
    this.list = [];
  }

  /** Replaces the content with events read from disk (already validated), keeping the bound. */
  load(events: readonly ActionEvent[]): void {
    this.list = [];
    for (const event of events) this.append(event);
  }
}

function absorbs(previous: ActionEvent, next: ActionEvent): boolean {
  const a = previous.action;
  const b = next.action;
  if ((a.kind === 'edit' && b.kind === 'edit') || (a.kind === 'undo' && b.kind === 'undo')) {
    return a.file === b.file && next.at - previous.at < EDIT_BURST_MS;
  }
  if (a.kind === 'open' && b.kind === 'open') return a.file === b.file;
  return false;
}

/** Parses one stored event; undefined when it is not a well-formed event of a known kind. */
export function parseEvent(value: unknown): ActionEvent | undefined {
  if (!isRecord(value) || typeof value.at !== 'number' || !Number.isFinite(value.at)) return undefined;
  const action = parseAction(value.action);
  return action ? { at: value.at, action } : undefined;
}

function parseAction(value: unknown): Action | undefined {
  if (!isRecord(value)) return undefined;
  const str = (key: string): string | undefined =>
    typeof value[key] === 'string' && value[key] !== '' ? (value[key] as string) : undefined;
  const exit = (): number | undefined => (typeof value.exitCode === 'number' ? value.exitCode : undefined);
  if (isFileKind(value.kind)) {
    const file = str('file');
    return file === undefined ? undefined : { kind: value.kind, file };
  }
  switch (value.kind) {
    case 'task':
    case 'debug':
    case 'debugEnd': {
      const name = str('name');
      return name === undefined ? undefined : { kind: value.kind, name };
    }
    case 'taskEnd': {
      const name = str('name');
      return name === undefined ? undefined : { kind: 'taskEnd', name, exitCode: exit() };
    }
    case 'shell': {
      const template = str('template');
      const command = str('command');
      return template === undefined || command === undefined ? undefined : { kind: 'shell', template, command };
    }
    case 'shellEnd': {
      const template = str('template');
      return template === undefined ? undefined : { kind: 'shellEnd', template, exitCode: exit() };
    }
    case 'commit':
      return { kind: 'commit' };
    case 'checkout': {
      const branch = str('branch');
      return branch === undefined ? undefined : { kind: 'checkout', branch };
    }
    default:
      return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
