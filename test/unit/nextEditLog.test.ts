import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG, type OndiConfig } from '../../src/core/config';
import { EditLog, PAUSE_MS, type DocumentChange, type TextChange } from '../../src/core/nextEdit/editLog';

const PATH = 'src/cart.ts';
const START = ['function total(items) {', '  let sum = 0;', '  return sum;', '}', ''].join('\n');

/** A document the tests type into; each call sends the change the editor would send. */
class Doc {
  text: string;
  time = 1_000_000;

  constructor(
    private readonly log: EditLog,
    readonly path = PATH,
    text = START,
    readonly languageId = 'typescript',
  ) {
    this.text = text;
    log.know({ path, languageId }, text);
  }

  /** Replaces `length` characters at `offset` (offsets in the current text). */
  replace(offset: number, length: number, text: string, source: DocumentChange['source'] = 'typing'): void {
    this.apply([{ offset, length, text }], source);
  }

  /** Several changes in one event, offsets in the text before the event. */
  apply(changes: TextChange[], source: DocumentChange['source'] = 'typing'): void {
    let text = this.text;
    for (const c of [...changes].sort((a, b) => b.offset - a.offset))
      text = text.slice(0, c.offset) + c.text + text.slice(c.offset + c.length);
    this.text = text;
    this.log.change({
      path: this.path,
      languageId: this.languageId,
      time: this.time,
      changes,
      source,
      textAfter: () => text,
    });
  }

  /** Types `text` one character a time at `offset`, `gapMs` apart. */
  type(offset: number, text: string, gapMs = 80): void {
    for (const [i, ch] of [...text].entries()) {
      this.time += gapMs;
      this.replace(offset + i, 0, ch);
    }
  }

  offsetOf(needle: string): number {
    const at = this.text.indexOf(needle);
    assert.ok(at >= 0, `${needle} is in the document`);
    return at;
  }
}

const newLog = (config: Partial<OndiConfig> = {}, limits: { maxEdits?: number; maxFiles?: number } = {}) =>
  new EditLog({ config: () => ({ ...DEFAULT_CONFIG, ...config }), ...limits });

describe('next edit: the edit log', () => {
  it('merges consecutive typing in one place into one whole-line edit', () => {
    const log = newLog();
    const doc = new Doc(log);
    const at = doc.offsetOf('items');
    doc.replace(at, 'items'.length, 'l'); // the selected word is typed over
    doc.type(at + 1, 'ines');
    const edits = log.edits(doc.time);
    assert.equal(edits.length, 1);
    assert.deepEqual(edits[0], {
      path: PATH,
      before: { start: 0, end: 0 },
      after: { start: 0, end: 0 },
      oldText: 'function total(items) {',
      newText: 'function total(lines) {',
      time: doc.time,
    });
  });

  it('closes an edit after a pause of a second, or when the change is elsewhere', () => {
    const log = newLog();
    const doc = new Doc(log);
    doc.type(doc.offsetOf(' = 0'), 'Cents');
    doc.time += PAUSE_MS + 10;
    doc.type(doc.offsetOf('sum;') + 3, 'Cents'); // same place again, after the pause
    doc.type(doc.offsetOf('(items)') + 6, 's'); // another line at once
    const edits = log.edits(doc.time);
    assert.deepEqual(
      edits.map((e) => [e.before.start, e.oldText, e.newText]),
      [
        [1, '  let sum = 0;', '  let sumCents = 0;'],
        [2, '  return sum;', '  return sumCents;'],
        [0, 'function total(items) {', 'function total(itemss) {'],
      ],
    );
  });

  it('closes an edit when the cursor moves to another line, and on undo without recording the undo', () => {
    const log = newLog();
    const doc = new Doc(log);
    doc.type(doc.offsetOf(' = 0'), 'X');
    log.cursor(PATH, 1); // still on the edited line: nothing closes
    doc.type(doc.offsetOf(' = 0'), 'Y');
    log.cursor(PATH, 2);
    doc.type(doc.offsetOf('sum;') + 3, 'Z');
    doc.replace(doc.offsetOf('sumZ') + 3, 1, '', 'undo');
    doc.type(doc.offsetOf('sum;') + 3, 'W');
    assert.deepEqual(
      log.edits(doc.time).map((e) => e.newText),
      ['  let sumXY = 0;', '  return sumZ;', '  return sumW;'],
    );
  });

  it('gives a new line and a deleted line whole-line ranges before and after', () => {
    const log = newLog();
    const doc = new Doc(log);
    doc.time += 10;
    doc.replace(doc.offsetOf('  let'), 0, '  const n = items.length;\n');
    doc.time += PAUSE_MS;
    const line = doc.offsetOf('  return');
    doc.replace(line, '  return sum;\n'.length, '');
    const [added, deleted] = log.edits(doc.time + PAUSE_MS);
    assert.deepEqual(added?.before, { start: 1, end: 1 });
    assert.deepEqual(added?.after, { start: 1, end: 2 });
    assert.equal(added?.oldText, '  let sum = 0;');
    assert.equal(added?.newText, '  const n = items.length;\n  let sum = 0;');
    assert.deepEqual(deleted?.before, { start: 3, end: 4 });
    assert.deepEqual(deleted?.after, { start: 3, end: 3 });
    assert.equal(deleted?.oldText, '  return sum;\n}');
    assert.equal(deleted?.newText, '}');
  });

  it('keeps Enter and the typing on the new line in one edit, in a CRLF file too', () => {
    const log = newLog();
    const doc = new Doc(log, PATH, START.replace(/\n/g, '\r\n'));
    const end = doc.offsetOf('  let sum = 0;') + '  let sum = 0;'.length;
    doc.replace(end, 0, '\r\n  ');
    doc.type(end + 4, 'sum++;');
    const edits = log.edits(doc.time);
    assert.equal(edits.length, 1);
    assert.deepEqual(edits[0]?.after, { start: 1, end: 2 });
    assert.equal(edits[0]?.newText, '  let sum = 0;\n  sum++;');
  });

  it('turns a multi-place change (a rename) into one edit per place, in document order', () => {
    const log = newLog();
    const doc = new Doc(log);
    const first = doc.offsetOf('sum = 0');
    const second = doc.offsetOf('sum;');
    doc.time += 10;
    doc.apply([
      { offset: second, length: 3, text: 'total' },
      { offset: first, length: 3, text: 'total' },
    ]);
    const edits = log.edits(doc.time);
    assert.deepEqual(
      edits.map((e) => [e.before.start, e.newText]),
      [
        [1, '  let total = 0;'],
        [2, '  return total;'],
      ],
    );
  });

  it('drops typing that ends where it began, and edits whose text holds a secret', () => {
    const log = newLog();
    const doc = new Doc(log);
    const at = doc.offsetOf(' = 0');
    doc.type(at, 'ab');
    doc.time += 50;
    doc.replace(at, 2, '');
    doc.time += PAUSE_MS;
    doc.type(doc.offsetOf('  return'), 'const key = "AKIAIOSFODNN7EXAMPLE";', 5);
    assert.deepEqual(log.edits(doc.time + PAUSE_MS), []);
  });

  it('follows only files of ondi.languages outside ondi.disabledGlobs and the never-learn list, and not when switched off', () => {
    const type = (config: Partial<OndiConfig>, path: string, languageId = 'typescript') => {
      const log = newLog(config);
      const doc = new Doc(log, path, START, languageId);
      doc.type(doc.offsetOf(' = 0'), 'X');
      return log.edits(doc.time).length;
    };
    assert.equal(type({}, 'src/a.ts'), 1);
    assert.equal(type({}, 'notes.md', 'markdown'), 0);
    assert.equal(type({ disabledGlobs: ['**/generated/**'] }, 'src/generated/a.ts'), 0);
    assert.equal(type({}, 'config/secrets.ts'), 0);
    assert.equal(type({ 'nextEdit.enabled': false }, 'src/a.ts'), 0);
    // ondi.enable is about inline completions only
    assert.equal(type({ enable: false }, 'src/a.ts'), 1);
  });

  it('starts following a file it did not know at its first change, without guessing what that change replaced', () => {
    const log = newLog();
    let text = START;
    const change = (offset: number, t: string, time: number) => {
      text = text.slice(0, offset) + t + text.slice(offset);
      log.change({
        path: PATH,
        languageId: 'typescript',
        time,
        changes: [{ offset, length: 0, text: t }],
        source: 'typing',
        textAfter: () => text,
      });
    };
    change(0, '// a\n', 1000);
    assert.deepEqual(log.edits(1000), []);
    change(0, '// b\n', 3000);
    assert.deepEqual(
      log.edits(3000).map((e) => [e.oldText, e.newText]),
      [['// a', '// b\n// a']],
    );
  });

  it('keeps the last edits only, and the text of a bounded number of files', () => {
    const log = newLog({}, { maxEdits: 3, maxFiles: 2 });
    const [b, c, a] = ['b.ts', 'c.ts', 'a.ts'].map((p) => new Doc(log, p));
    assert.ok(a && b && c);
    for (let round = 0; round < 5; round++) {
      a.time += PAUSE_MS * 2;
      a.type(a.offsetOf(' = 0'), String(round));
    }
    assert.deepEqual(
      log.edits(a.time).map((e) => e.newText),
      ['  let sum012 = 0;', '  let sum0123 = 0;', '  let sum01234 = 0;'],
    );
    c.time = a.time + PAUSE_MS;
    c.type(c.offsetOf(' = 0'), 'Q');
    // b.ts's text was let go when a third file came: its first change only starts following it
    b.time = c.time + PAUSE_MS;
    b.type(b.offsetOf(' = 0'), 'Q');
    assert.deepEqual(
      log.edits(b.time).map((e) => e.path),
      ['a.ts', 'a.ts', 'c.ts'],
    );
  });
});
