import * as assert from 'node:assert/strict';
import { lfOffset, lfSplit, lineEndingOf, toLf, withLineEnding } from '../../src/core/complete/lineEndings';
import { sampleLineCases } from '../../src/core/eval/lineSamples';

describe('line endings at the pipeline boundary', () => {
  it('reads CRLF, lone CR and mixed breaks as LF, and leaves LF text as it is', () => {
    assert.equal(toLf('a\r\nb\r\nc'), 'a\nb\nc');
    assert.equal(toLf('a\rb\rc'), 'a\nb\nc');
    assert.equal(toLf('a\r\nb\nc\rd\r\r\ne'), 'a\nb\nc\nd\n\ne');
    assert.equal(toLf('a\nb\n'), 'a\nb\n');
  });

  it('moves an offset back by one for every CRLF before it', () => {
    const text = 'ab\r\ncd\r\nef';
    // offsets of 'a', 'c', 'd', 'e' and the end
    assert.deepEqual(
      [0, 4, 5, 8, 10].map((o) => lfOffset(text, o)),
      [0, 3, 4, 6, 8],
    );
    // every character keeps its own character in the LF text
    const lf = toLf(text);
    for (const o of [0, 1, 4, 5, 8, 9]) assert.equal(lf[lfOffset(text, o)], text[o], `offset ${o}`);
    // lone CR and LF take one character in both texts
    assert.equal(lfOffset('a\rb\nc', 4), 4);
  });

  it('counts an offset between CR and LF as after the break', () => {
    assert.equal(lfOffset('ab\r\ncd', 3), 3);
    assert.deepEqual(lfSplit('ab\r\ncd', 3), { prefix: 'ab\n', suffix: 'cd' });
  });

  it('cuts a CRLF document at the cursor into the LF prefix and suffix of its LF copy', () => {
    const lf = 'function f() {\n  return 1;\n}\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const cursor = lf.indexOf('1');
    const crlfCursor = crlf.indexOf('1');
    assert.deepEqual(lfSplit(crlf, crlfCursor), lfSplit(lf, cursor));
    assert.deepEqual(lfSplit(crlf, crlfCursor), { prefix: lf.slice(0, cursor), suffix: lf.slice(cursor) });
    assert.deepEqual(lfSplit('a\rb\r\nc\nd', 6), { prefix: 'a\nb\nc', suffix: '\nd' });
  });

  it('tells the ending new lines take from the majority of breaks', () => {
    assert.equal(lineEndingOf('a\r\nb\r\nc\n'), '\r\n');
    assert.equal(lineEndingOf('a\r\nb\nc\n'), '\n');
    assert.equal(lineEndingOf('a\r\nb\n'), '\n');
    assert.equal(lineEndingOf('a\rb\rc\n'), '\r\n');
    assert.equal(lineEndingOf('no break'), '\n');
    assert.equal(lineEndingOf(''), '\n');
  });

  it('writes a multi-line completion back with the document ending, and nothing else', () => {
    assert.equal(withLineEnding('x = 1\n  y = 2\n}', '\r\n'), 'x = 1\r\n  y = 2\r\n}');
    assert.equal(withLineEnding('x = 1\n}', '\n'), 'x = 1\n}');
    assert.equal(withLineEnding('one line', '\r\n'), 'one line');
    assert.equal(withLineEnding('a\r\nb\rc', '\r\n'), 'a\r\nb\r\nc');
    assert.equal(withLineEnding('a\r\nb', '\n'), 'a\nb');
  });

  it('samples the same evaluation cases from a CRLF copy of a file as from the file', () => {
    const lf = [
      'def total(items):',
      '    result = 0',
      '    for item in items:',
      '        result += item.price',
      '    return result',
      '',
    ].join('\n');
    const cases = sampleLineCases([{ path: 'a.py', text: lf }], 10, 0);
    assert.equal(cases.length, 5);
    assert.deepEqual(sampleLineCases([{ path: 'a.py', text: lf.replace(/\n/g, '\r\n') }], 10, 0), cases);
  });
});
