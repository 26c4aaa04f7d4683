'use strict';
/* global window, document, MutationObserver -- the watch functions run in the page */
// The person at the keyboard in `npm run bench:editor`: a seeded plan of places to edit in the
// typed files, the gestures to get there and type (Ctrl+G to a line, End, Enter, start the
// next line of the real file, type on into the ghost text), and the page-side watch that
// timestamps every key press and every rendering of ghost text with Date.now().

/** A small seeded generator (mulberry32): the same seed, the same plan. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lines worth starting: real code of some length, not comments. */
function startableLine(text) {
  const t = text.trim();
  return t.length >= 12 && !/^(\/\/|\/\*|\*)/.test(t);
}

/**
 * Visits in the typed files: after line `line` (1-based) a new line is started and typed as
 * the file's next line reads, `first` characters, then `more` after a pause. Each visit gives
 * up to three probes (the new line, the typed start, typing on).
 */
function planVisits(files, count, seed) {
  const random = seeded(seed);
  const pick = (n) => Math.floor(random() * n);
  const visits = [];
  const used = new Set();
  for (let guard = 0; visits.length < count && guard < count * 50; guard++) {
    const file = files[pick(files.length)];
    const lines = file.text.split('\n');
    const index = 1 + pick(lines.length - 2); // 0-based index of the line to type
    const key = `${file.path}:${index}`;
    if (used.has(key) || !startableLine(lines[index])) continue;
    used.add(key);
    const text = lines[index].trim();
    const first = Math.min(text.length - 4, 3 + pick(12));
    visits.push({ path: file.path, line: index, text, first, more: 1 + pick(3), pauseMs: 300 + pick(600) });
  }
  return visits;
}

/** Runs in the page: logs key presses and ghost text renderings with the page's Date.now(). */
function installWatch() {
  const log = { keys: [], renders: [] };
  window.__ondiBench = log;
  window.addEventListener('keydown', (event) => log.keys.push({ t: Date.now(), key: event.key }), true);
  const root = document.querySelector('.part.editor') || document.body;
  let last = '';
  const observer = new MutationObserver(() => {
    const nodes = root.querySelectorAll('.ghost-text-decoration, .ghost-text-decoration-preview, .ghost-text');
    const text = Array.from(nodes, (node) => node.textContent).join('');
    // a new rendering has nodes the watch has not seen, even when its text is the same
    let fresh = false;
    for (const node of nodes) {
      if (!node.__ondiSeen) {
        node.__ondiSeen = true;
        fresh = true;
      }
    }
    if (text !== last || (fresh && text)) {
      log.renders.push({ t: Date.now(), text: text.replace(/\u00a0/g, ' ') });
      last = text;
    }
  });
  observer.observe(root, { childList: true, subtree: true, characterData: true });
}

/** What the page logged at or after `since`. */
function readWatch(page, since) {
  return page.evaluate(
    (from) => ({
      keys: window.__ondiBench.keys.filter((k) => k.t >= from),
      renders: window.__ondiBench.renders.filter((r) => r.t >= from),
    }),
    since,
  );
}

/** The inline part of the ghost text now on screen ('' when none). */
function ghostNow(page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('.part.editor .ghost-text-decoration'), (n) => n.textContent)
      .join('')
      .replace(/\u00a0/g, ' '),
  );
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Types `text` one key at a time at `cadenceMs` per key (±20%, seeded), the way a person
 * does, and returns the page's timestamp of the last key press.
 */
async function typeAtCadence(page, text, cadenceMs, random) {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    await page.keyboard.press(ch === '\n' ? 'Enter' : ch === ' ' ? 'Space' : ch);
    if (i < text.length - 1) await sleep(cadenceMs * (0.8 + 0.4 * random()));
  }
}

/** The page time of the latest key press. */
async function lastKeyAt(page) {
  return page.evaluate(() => window.__ondiBench.keys[window.__ondiBench.keys.length - 1]?.t ?? 0);
}

module.exports = { seeded, planVisits, installWatch, readWatch, ghostNow, typeAtCadence, lastKeyAt, sleep };
