import { fileKind } from '../learners/pathStructure';

/**
 * The normalized vocabulary of what a user does in the editor. Collectors turn editor events
 * into these; the predictor learns sequences of them. Paths are workspace-relative with '/'.
 */
export type Action =
  | { readonly kind: 'open'; readonly file: string }
  | { readonly kind: 'edit'; readonly file: string }
  /** Undo or redo in a file: going back over edits, not new work. */
  | { readonly kind: 'undo'; readonly file: string }
  | { readonly kind: 'save'; readonly file: string }
  | { readonly kind: 'create'; readonly file: string }
  | { readonly kind: 'delete'; readonly file: string }
  /** A file the user is not in now got errors (the editor's diagnostics; only that it has some). */
  | { readonly kind: 'errors'; readonly file: string }
  /** The last error of a file that had `errors` went away. */
  | { readonly kind: 'errorsFixed'; readonly file: string }
  | { readonly kind: 'task'; readonly name: string }
  | { readonly kind: 'taskEnd'; readonly name: string; readonly exitCode: number | undefined }
  /** `template` has arguments normalized (the key); `command` is a runnable, secret-free example. */
  | { readonly kind: 'shell'; readonly template: string; readonly command: string }
  | { readonly kind: 'shellEnd'; readonly template: string; readonly exitCode: number | undefined }
  | { readonly kind: 'debug'; readonly name: string }
  | { readonly kind: 'debugEnd'; readonly name: string }
  | { readonly kind: 'commit' }
  | { readonly kind: 'checkout'; readonly branch: string };

export type ActionKind = Action['kind'];

/** One entry of the event log: what happened and when (ms since the epoch). */
export interface ActionEvent {
  readonly at: number;
  readonly action: Action;
}

/** Actions Ondi can perform for the user when suggested (the others only give context). */
export type PerformableAction = Extract<Action, { kind: 'open' | 'task' | 'shell' | 'debug' | 'commit' }>;

const PERFORMABLE: ReadonlySet<ActionKind> = new Set(['open', 'task', 'shell', 'debug', 'commit']);

/** Actions about one file: they all carry just `file`. */
export type FileAction = Extract<Action, { readonly file: string }>;

const FILE_KINDS: ReadonlySet<string> = new Set<FileAction['kind']>([
  'open',
  'edit',
  'undo',
  'save',
  'create',
  'delete',
  'errors',
  'errorsFixed',
]);

export function isFileKind(kind: unknown): kind is FileAction['kind'] {
  return typeof kind === 'string' && FILE_KINDS.has(kind);
}

export function isFileAction(action: Action): action is FileAction {
  return isFileKind(action.kind);
}

export function isPerformable(action: Action): action is PerformableAction {
  return PERFORMABLE.has(action.kind);
}

/** A stable identity for an action: equal keys mean "the same step". */
export function actionKey(action: Action): string {
  if (isFileAction(action)) return `${action.kind}:${action.file}`;
  switch (action.kind) {
    case 'task':
    case 'debug':
    case 'debugEnd':
      return `${action.kind}:${action.name}`;
    case 'taskEnd':
      return `taskEnd:${action.name}:${outcome(action.exitCode)}`;
    case 'shell':
      return `shell:${action.template}`;
    case 'shellEnd':
      return `shellEnd:${action.template}:${outcome(action.exitCode)}`;
    case 'commit':
      return 'commit';
    case 'checkout':
      return `checkout:${action.branch}`;
  }
}

/**
 * The same action with its file replaced by the file's kind ("save:*.test.ts"), so a habit
 * learned on one file applies to its siblings. Actions without a file have no abstraction.
 */
export function abstractKey(action: Action): string | undefined {
  if (isFileAction(action)) return `${action.kind}:${fileKind(action.file)}`;
  return action.kind === 'checkout' ? 'checkout:*' : undefined;
}

/**
 * abstractKey for an action that is only known by its key (a step inside a context key):
 * "save:src/a.test.ts" -> "save:*.test.ts". Keys that are already abstract, or have no
 * abstraction, come back as they are.
 */
export function abstractOfKey(key: string): string {
  const colon = key.indexOf(':');
  if (colon < 0) return key;
  const kind = key.slice(0, colon);
  const rest = key.slice(colon + 1);
  if (kind === 'checkout') return 'checkout:*';
  if (!FILE_ACTIONS.has(kind) || rest.startsWith('*')) return key;
  return `${kind}:${fileKind(rest)}`;
}

const FILE_ACTIONS: ReadonlySet<string> = new Set(['open', 'edit', 'save', 'create', 'delete']);

function outcome(exitCode: number | undefined): string {
  return exitCode === undefined ? 'done' : exitCode === 0 ? 'ok' : 'failed';
}

/** What a person calls the step: the status bar text and the quick pick label. */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'open':
      return `Open ${baseName(action.file)}`;
    case 'edit':
      return `Edit ${baseName(action.file)}`;
    case 'undo':
      return `Undo in ${baseName(action.file)}`;
    case 'save':
      return `Save ${baseName(action.file)}`;
    case 'create':
      return `Create ${baseName(action.file)}`;
    case 'delete':
      return `Delete ${baseName(action.file)}`;
    case 'errors':
      return `Errors in ${baseName(action.file)}`;
    case 'errorsFixed':
      return `Errors fixed in ${baseName(action.file)}`;
    case 'task':
      return `Run task ${action.name}`;
    case 'taskEnd':
      return `Task ${action.name} ${outcome(action.exitCode) === 'failed' ? 'failed' : 'finished'}`;
    case 'shell':
      return action.command;
    case 'shellEnd':
      return `${action.template} ${outcome(action.exitCode) === 'failed' ? 'failed' : 'finished'}`;
    case 'debug':
      return `Debug ${action.name}`;
    case 'debugEnd':
      return `Debugging ${action.name} ended`;
    case 'commit':
      return 'Commit';
    case 'checkout':
      return `Switch to ${action.branch}`;
  }
}

/** A past-tense phrase for reasons: "you ran `npm test`", "you opened cart.test.ts". */
export function pastTense(action: Action): string {
  switch (action.kind) {
    case 'open':
      return `you opened ${baseName(action.file)}`;
    case 'task':
      return `you ran the task \`${action.name}\``;
    case 'shell':
      return `you ran \`${action.template}\``;
    case 'debug':
      return `you started debugging ${action.name}`;
    case 'commit':
      return 'you committed';
    default:
      return `you did "${describeAction(action)}"`;
  }
}

/** A phrase for a context: "after saving a *.test.ts file", "after `npm test` failed". */
export function afterPhrase(key: string): string {
  const colon = key.indexOf(':');
  const kind = colon < 0 ? key : key.slice(0, colon);
  const rest = colon < 0 ? '' : key.slice(colon + 1);
  const file = rest.startsWith('*') ? `a ${rest} file` : baseName(rest);
  switch (kind) {
    case 'open':
      return `after opening ${file}`;
    case 'edit':
      return `after editing ${file}`;
    case 'undo':
      return `after undoing changes in ${file}`;
    case 'save':
      return `after saving ${file}`;
    case 'create':
      return `after creating ${file}`;
    case 'delete':
      return `after deleting ${file}`;
    case 'errors':
      return `after errors appeared in ${file}`;
    case 'errorsFixed':
      return `after the errors in ${file} were fixed`;
    case 'task':
      return `after starting the task \`${rest}\``;
    case 'taskEnd': {
      const [name, result] = splitLast(rest);
      return `after the task \`${name}\` ${result === 'failed' ? 'failed' : 'finished'}`;
    }
    case 'shell':
      return `after running \`${rest}\``;
    case 'shellEnd': {
      const [template, result] = splitLast(rest);
      return `after \`${template}\` ${result === 'failed' ? 'failed' : 'finished'}`;
    }
    case 'debug':
      return `after starting to debug ${rest}`;
    case 'debugEnd':
      return `after debugging ${rest}`;
    case 'commit':
      return 'after a commit';
    case 'checkout':
      return rest === '*' ? 'after switching branches' : `after switching to ${rest}`;
    default:
      return `after ${key}`;
  }
}

export function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

function splitLast(text: string): [string, string] {
  const colon = text.lastIndexOf(':');
  return colon < 0 ? [text, ''] : [text.slice(0, colon), text.slice(colon + 1)];
}
