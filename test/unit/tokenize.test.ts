import * as assert from 'node:assert/strict';
import { tokenize } from '../../src/core/nextEdit/editDiff';

/** The definition tokenize follows, as a regular expression. */
const REFERENCE = /[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|\S/g;
const reference = (text: string) => [...text.matchAll(REFERENCE)].map((m) => ({ text: m[0], start: m.index }));

describe('tokenize', () => {
  it('splits code into identifiers, numbers and single characters', () => {
    assert.deepEqual(
      tokenize('  x1 = f($a, 3.14) // 7.x\t"é"').map((t) => t.text),
      ['x1', '=', 'f', '(', '$a', ',', '3.14', ')', '/', '/', '7', '.', 'x', '"', 'é', '"'],
    );
  });

  it('gives the same tokens and offsets as the regular expression on random text', () => {
    const alphabet = 'aZ_$09.9 \t\n\u00a0\u2028\u3000é(){};,"\'-+*/\\\ud83d\ude00x';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 2000; n++) {
      let text = '';
      for (let k = Math.floor(next() * 40); k > 0; k--) text += alphabet[Math.floor(next() * alphabet.length)];
      assert.deepEqual(tokenize(text), reference(text), JSON.stringify(text));
    }
  });
});
