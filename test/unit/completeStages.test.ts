import * as assert from 'node:assert/strict';
import { promptText, tokenWindow } from '../../src/core/complete/context';
import { cutRepetition, postprocess } from '../../src/core/complete/postprocess';
import { prefilter } from '../../src/core/complete/prefilter';
import { completionMode, stopRule, withinBudget } from '../../src/core/complete/stopRules';
import { SuggestionCache } from '../../src/core/complete/suggestionCache';

describe('prefilter', () => {
  it('lets a cursor at the end of a line through', () => {
    assert.deepEqual(prefilter('  const x = ', ''), { go: true });
  });
  it('allows closing brackets right of the cursor', () => {
    assert.deepEqual(prefilter('foo(', ');'), { go: true });
  });
  it('stops inside a word and before other text', () => {
    assert.equal(prefilter('cons', 'ole.log()').go, false);
    assert.equal(prefilter('x = ', 'y + 1').go, false);
  });
  it('stops on minified-length lines', () => {
    assert.equal(prefilter('a'.repeat(2000), '').go, false);
  });
});

describe('prompt context', () => {
  it('keeps a short prefix whole', () => {
    assert.deepEqual(promptText('a\nb', 100), { text: 'a\nb', droppedLines: 0 });
  });
  it('cuts long prefixes at a line that stays put while typing', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(20)}`);
    const a = promptText(lines.join('\n') + '\nconst a', 1500);
    const b = promptText(lines.join('\n') + '\nconst ab', 1500);
    assert.ok(a.text.length <= 1500);
    assert.equal(a.droppedLines % 32, 0);
    assert.equal(a.droppedLines, b.droppedLines);
    assert.ok(a.text.startsWith(`line ${a.droppedLines} `));
  });
  it('moves the token window start in steps', () => {
    const ids = Array.from({ length: 500 }, (_, i) => i);
    assert.equal(tokenWindow(ids, 448)[0], 64);
    assert.equal(tokenWindow(ids.slice(0, 510), 448)[0], 64);
    assert.equal(tokenWindow(ids.slice(0, 300), 448).length, 300);
  });
});

describe('stop rules', () => {
  it('ends a line completion at the newline', () => {
    const stop = stopRule(completionMode('const a = '));
    assert.equal(stop('foo(1);'), undefined);
    assert.equal(stop('foo(1);\nbar'), 'foo(1);');
  });
  it('ends a line completion as soon as it loops, without waiting for a newline that never comes', () => {
    const stop = stopRule(completionMode("  summary: '"));
    assert.equal(stop('run [--output P] [--output P]'), undefined);
    assert.equal(stop('run [--output P] [--output P] [--output P]'), 'run [--output P]');
    assert.equal(stop('a === b'), undefined);
  });
  it('completes a block after an opener until the indentation returns', () => {
    const mode = completionMode('function f(a) {\n  ');
    assert.deepEqual(mode, { kind: 'block', openerIndent: 0 });
    const stop = stopRule(mode);
    assert.equal(stop('const b = a + 1;\n  return b;\n'), undefined);
    assert.equal(stop('const b = a + 1;\n  return b;\n}\n\nfunction g() {'), 'const b = a + 1;\n  return b;\n}');
  });
  it('stops a Python block at the first dedented line', () => {
    const stop = stopRule(completionMode('def f(x):\n    '));
    assert.equal(stop('y = x * 2\n    return y\ndef g():\n'), 'y = x * 2\n    return y');
  });
  it('stays single-line when the current line has text', () => {
    assert.deepEqual(completionMode('if (x) {\n  foo'), { kind: 'line' });
  });
  it('ends a block still growing after its time budget at its last whole line, never a single line', () => {
    let now = 0;
    const clock = () => now;
    const block = completionMode('function f(a) {\n  ');
    const stop = withinBudget(stopRule(block), block, 100, clock);
    now = 99;
    assert.equal(stop('const b = a + 1;\n  return'), undefined, 'within the budget');
    now = 100;
    assert.equal(stop('const b = a + 1;'), undefined, 'the first line is always finished');
    assert.equal(stop('const b = a + 1;\n  return'), 'const b = a + 1;');
    assert.equal(stop('const b = a + 1;\n  return b;\n}\n\nfunction g'), 'const b = a + 1;\n  return b;\n}');
    const line = completionMode('const a = ');
    const lineStop = withinBudget(stopRule(line), line, 100, clock);
    now = 10_000;
    assert.equal(lineStop('foo(1, '), undefined, 'a line completion is never cut');
  });
});

describe('postprocess', () => {
  it('trims trailing whitespace and drops empty output', () => {
    assert.equal(postprocess({ completion: 'foo()  ', linePrefix: '' }), 'foo()');
    assert.equal(postprocess({ completion: '   ', linePrefix: '' }), '');
  });
  it('cuts repetitive loops back to one occurrence', () => {
    assert.equal(cutRepetition("'python', 'python', 'python', 'python'"), "'python', ");
    assert.equal(cutRepetition('a === b'), 'a === b');
  });
});

describe('suggestion cache', () => {
  it('serves the rest of a suggestion while the user types into it', () => {
    const cache = new SuggestionCache();
    cache.set('const x = ', 'compute(1);');
    assert.equal(cache.get('const x = '), 'compute(1);');
    assert.equal(cache.get('const x = comp'), 'ute(1);');
    assert.equal(cache.get('const x = other'), undefined);
    assert.equal(cache.get('const x = compute(1);'), undefined);
  });
  it('forgets the oldest entries beyond its capacity', () => {
    const cache = new SuggestionCache(2);
    cache.set('a', '1');
    cache.set('b', '2');
    cache.set('c', '3');
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.get('c'), '3');
  });
});
