import * as assert from 'node:assert/strict';
import { EarlierTokens } from '../../src/core/complete/earlierTokens';

/** A tokenizer of one id per character that counts what it was asked to encode. */
function countingTokenizer() {
  const asked: string[] = [];
  return {
    asked,
    encode: (text: string): number[] => {
      asked.push(text);
      return Array.from(text, (c) => c.charCodeAt(0));
    },
  };
}

describe('the file above the prompt, as tokens for the cache model', () => {
  it('encodes text that only grew at its end from where it ended, and the same text not at all', () => {
    const tokenizer = countingTokenizer();
    const earlier = new EarlierTokens(tokenizer);
    const first = earlier.of('a.ts', 'const a = 1;\n');
    assert.deepEqual(
      first,
      Array.from('const a = 1;\n', (c) => c.charCodeAt(0)),
    );
    assert.equal(earlier.of('a.ts', 'const a = 1;\n'), first, 'the same array: the cache is not sorted again');
    const grown = earlier.of('a.ts', 'const a = 1;\nconst b = 2;\n');
    assert.deepEqual(
      grown,
      Array.from('const a = 1;\nconst b = 2;\n', (c) => c.charCodeAt(0)),
    );
    assert.deepEqual(tokenizer.asked, ['const a = 1;\n', 'const b = 2;\n']);
  });

  it('encodes again after an edit above, or in another file', () => {
    const tokenizer = countingTokenizer();
    const earlier = new EarlierTokens(tokenizer);
    earlier.of('a.ts', 'x\ny\n');
    earlier.of('a.ts', 'x\nz\n');
    earlier.of('b.ts', 'x\nz\n');
    assert.deepEqual(tokenizer.asked, ['x\ny\n', 'x\nz\n', 'x\nz\n']);
  });

  it('reads at most the last 16,000 characters of a huge file, from a line start', () => {
    const tokenizer = countingTokenizer();
    const earlier = new EarlierTokens(tokenizer);
    const line = 'let value = compute(value);\n';
    const huge = line.repeat(Math.ceil(200_000 / line.length));
    const ids = earlier.of('big.ts', huge);
    assert.ok(ids.length <= 16_000 && ids.length > 7_000, `${ids.length}`);
    assert.equal(String.fromCharCode(ids[0] as number), 'l', 'starts a line');
    // a few more lines keep the same start: only they are encoded
    earlier.of('big.ts', huge + line + line);
    assert.equal(tokenizer.asked.at(-1), line + line);
  });
});
