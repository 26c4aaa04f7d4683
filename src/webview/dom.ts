/**
 * DOM helpers for the dashboard page. Text goes in through textContent only, never as HTML:
 * file paths and habit sentences come from the user's workspace.
 */
type Child = Node | string | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string>> = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) if (child !== undefined && child !== false) node.append(child);
  return node;
}

/** Text with `code` spans, as the habit sentences and reasons write commands and names. */
export function withCode(text: string): HTMLSpanElement {
  const span = el('span');
  text.split('`').forEach((part, i) => span.append(i % 2 === 1 ? el('code', {}, part) : part));
  return span;
}

/** A figure with its label ("12" over "shown"). */
export function figure(value: string, label: string, id?: string): HTMLDivElement {
  return el(
    'div',
    { class: 'figure', ...(id ? { 'data-figure': id } : {}) },
    el('div', { class: 'value' }, value),
    el('div', { class: 'label' }, label),
  );
}

export function button(
  label: string,
  onClick: () => void,
  attrs: Readonly<Record<string, string>> = {},
): HTMLButtonElement {
  const b = el('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** The plain sentence a section shows instead of figures it does not have yet. */
export function empty(text: string): HTMLParagraphElement {
  return el('p', { class: 'empty' }, text);
}

export function card(title: string, id: string, ...children: readonly Child[]): HTMLElement {
  return el(
    'section',
    { class: 'card', id, 'aria-labelledby': `${id}-title` },
    el('h2', { id: `${id}-title` }, title),
    ...children,
  );
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const fmt = {
  int: (n: number): string => int.format(n),
  params: (n: number): string =>
    n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n),
  bytes: (n: number): string =>
    n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} KB` : `${n} B`,
  percent: (n: number | undefined, digits = 0): string => (n === undefined ? '–' : `${n.toFixed(digits)}%`),
  /** A change with its sign, using a real minus: "−49.9%". */
  change: (n: number | undefined): string =>
    n === undefined ? '' : `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(1)}%`,
  ms: (n: number | undefined): string => (n === undefined ? '–' : `${Math.round(n)} ms`),
  when: (iso: string): string => new Date(iso).toLocaleString(),
  ago: (iso: string, now = Date.now()): string => {
    const minutes = Math.round((now - Date.parse(iso)) / 60_000);
    if (minutes < 1) return 'just now';
    if (minutes < 60) return `${minutes} min ago`;
    const hours = Math.round(minutes / 60);
    return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
  },
};
