import * as assert from 'node:assert/strict';
import {
  bracketDefects,
  dropClosingLinesAlreadyThere,
  longestSubsequencePrefix,
  reconcileWithSuffix,
  withStringClosed,
  type SuffixReconcileInput,
} from '../../src/core/complete/suffixReconcile';

/** The cursor's line and the lines below after the item is accepted: the text before, the item, what it left. */
function accept(input: SuffixReconcileInput): string {
  const r = reconcileWithSuffix(input);
  if (!r) return input.linePrefix + input.lineSuffix;
  return input.linePrefix + r.text + input.lineSuffix.slice(r.replace);
}

const line = (
  linePrefix: string,
  lineSuffix: string,
  completion: string,
  lineComment?: string,
): SuffixReconcileInput => ({
  linePrefix,
  lineSuffix,
  completion,
  nextLines: [],
  ...(lineComment ? { lineComment } : {}),
});

describe('suffixReconcile: a completion fitted to the closers the editor typed', () => {
  it('replaces the auto-closed paren the completion types itself', () => {
    assert.deepEqual(reconcileWithSuffix(line('console.log(', ')', 'a, b);')), { text: 'a, b);', replace: 1 });
    assert.equal(accept(line('console.log(', ')', 'a, b);')), 'console.log(a, b);');
  });

  it('keeps the closer when the completion stops before it', () => {
    assert.deepEqual(reconcileWithSuffix(line('console.log(', ')', 'a, b')), { text: 'a, b', replace: 0 });
    assert.equal(accept(line('console.log(', ')', 'a, b')), 'console.log(a, b)');
  });

  it('does not swallow the outer closer when the completion closes only its own bracket', () => {
    assert.deepEqual(reconcileWithSuffix(line('f(', ')', 'g(x)')), { text: 'g(x)', replace: 0 });
    assert.equal(accept(line('f(', ')', 'a, (b)')), 'f(a, (b))');
    assert.equal(accept(line('f(', ')', 'a)(b')), 'f(a)(b)');
  });

  it('turns the reported `if (opts.command) {)` into a clean block opener', () => {
    assert.equal(accept(line('    if (', ')', 'opts.command) {')), '    if (opts.command) {');
  });

  it('handles quotes closed by the editor, with and without the bracket after them', () => {
    assert.equal(accept(line("require('", "')", "express');")), "require('express');");
    assert.equal(accept(line("require('", "')", 'express')), "require('express')");
    assert.equal(accept(line("require('", "')", "express'")), "require('express')");
    assert.equal(accept(line('x = "', '"', 'hello"')), 'x = "hello"');
    assert.equal(accept(line('x = `', '`', '${a}-${b}`;')), 'x = `${a}-${b}`;');
  });

  it('closes a string the completion opened and left open, before its closing bracket', () => {
    // seen in the editor: `print(` with `)` auto-closed, the model wrote `"REPORT: Report)`
    assert.equal(accept(line('print(', ')', '"REPORT: Report)', '#')), 'print("REPORT: Report")');
    assert.equal(accept(line('log(', ');', "'total: ", '//')), "log('total: ');");
    assert.equal(withStringClosed('f(', '"a)", b'), undefined, 'every string closed');
    assert.equal(withStringClosed('f("', 'abc'), undefined, 'the string opened before the cursor');
    assert.equal(withStringClosed('x = ', '"""doc'), undefined, 'a triple quote');
    assert.equal(withStringClosed('x = 1 ', '# "note', '#'), undefined, 'a quote in a comment');
    assert.equal(withStringClosed('f(', '"a\\"b);'), '"a\\"b");', 'an escaped quote stays inside');
  });

  it('reads an apostrophe inside a string or comment as text, not as a quote', () => {
    assert.equal(accept(line('print("', '")', 'it\'s done")')), 'print("it\'s done")');
    assert.equal(accept(line('log(', ')', "x); // don't", '//')), "log(x); // don't");
    assert.equal(accept(line('print(', ')', "x)  # don't", '#')), "print(x)  # don't");
  });

  it('replaces a semicolon the completion types too, and keeps one it does not', () => {
    assert.equal(accept(line('foo(', ');', 'a, b);')), 'foo(a, b);');
    assert.equal(accept(line('foo(', ');', 'a, b)')), 'foo(a, b);');
    assert.equal(accept(line('foo(', ');', 'a, b')), 'foo(a, b);');
    assert.equal(accept(line('x = [', '];', '1, 2];')), 'x = [1, 2];');
  });

  it('closes nested brackets the editor left for it (Python and TypeScript)', () => {
    assert.equal(accept(line('def area(', ')', 'self, width, height):', '#')), 'def area(self, width, height):');
    assert.equal(accept(line('items = [', ']', 'x for x in range(10)]', '#')), 'items = [x for x in range(10)]');
    assert.equal(accept(line('const o = {', '}', ' a: 1, b: [2, 3] };')), 'const o = { a: 1, b: [2, 3] };');
    assert.equal(accept(line('foo(bar(', '))', 'x), y);')), 'foo(bar(x), y);');
    assert.equal(accept(line('foo(bar(', '))', 'x')), 'foo(bar(x))');
  });

  it('moves the `;` of a statement the model ended inside the call after the closers', () => {
    const input = line('console.log(', ')', 'order.cart.total(discountPercent);');
    assert.deepEqual(reconcileWithSuffix(input), { text: 'order.cart.total(discountPercent));', replace: 1 });
    assert.equal(accept(input), 'console.log(order.cart.total(discountPercent));');
    assert.equal(accept(line('foo(', ');', 'x;')), 'foo(x);');
    assert.equal(accept(line("log('", "')", 'done;')), "log('done');");
  });

  it('cuts closers a one-line completion adds beyond what the line opened', () => {
    assert.deepEqual(reconcileWithSuffix(line('f(', ')', 'x)) + 1')), { text: 'x)', replace: 1 });
  });

  it('never replaces trailing whitespace and offers nothing that changes nothing', () => {
    assert.deepEqual(reconcileWithSuffix(line('f(', ')  ', 'x);')), { text: 'x);', replace: 1 });
    assert.equal(reconcileWithSuffix(line('f(', ')', ')')), undefined);
    assert.equal(reconcileWithSuffix(line('f(', ')', '   ')), undefined);
  });

  it('inserts at the cursor when nothing stands right of it', () => {
    assert.deepEqual(reconcileWithSuffix(line('const total = ', '', 'cart.total();')), {
      text: 'cart.total();',
      replace: 0,
    });
  });
});

describe('suffixReconcile: multi-line blocks', () => {
  it('leaves out the closing brace the editor already put on the next line', () => {
    const r = reconcileWithSuffix({
      linePrefix: '    ',
      lineSuffix: '',
      completion: "console.log('x');\n    return 1;\n  }",
      nextLines: ['  }', '}'],
    });
    assert.deepEqual(r, { text: "console.log('x');\n    return 1;", replace: 0 });
  });

  it('leaves out several closing lines and a `});` the document closes as `})`', () => {
    assert.equal(dropClosingLinesAlreadyThere('x();\n    }\n  });', ['', '    }', '  })', 'more();']), 'x();');
  });

  it('keeps a closing brace at another indentation: it closes a different block', () => {
    assert.equal(dropClosingLinesAlreadyThere('y();\n  }', ['}']), 'y();\n  }');
  });

  it('keeps the block whole when the lines below are something else', () => {
    assert.equal(dropClosingLinesAlreadyThere('y();\n}', ['const z = 1;']), 'y();\n}');
    assert.equal(dropClosingLinesAlreadyThere('y();\n}', []), 'y();\n}');
  });

  it('never compares the first line, which continues the cursor line', () => {
    assert.equal(dropClosingLinesAlreadyThere('}', ['}']), '}');
  });

  it('fits a multi-line completion typed inside a call to the paren after the cursor', () => {
    const input: SuffixReconcileInput = {
      linePrefix: 'app.get(',
      lineSuffix: ')',
      completion: "'/', (req, res) => {\n  res.send('ok');\n});",
      nextLines: [''],
    };
    assert.deepEqual(reconcileWithSuffix(input), { text: input.completion, replace: 1 });
  });

  it('offers nothing when the block was only the closer already there', () => {
    assert.equal(
      reconcileWithSuffix({ linePrefix: '  ', lineSuffix: '', completion: '\n}', nextLines: ['}'] }),
      undefined,
    );
  });
});

describe('suffixReconcile: helpers', () => {
  it('longestSubsequencePrefix counts the suffix characters found in order', () => {
    assert.equal(longestSubsequencePrefix(');', 'a, b);'), 2);
    assert.equal(longestSubsequencePrefix(');', 'a, b'), 0);
    assert.equal(longestSubsequencePrefix("')", "x', y"), 1);
    assert.equal(longestSubsequencePrefix('', 'x'), 0);
  });

  it('bracketDefects tells unmatched closers and open strings from open blocks', () => {
    assert.deepEqual(bracketDefects('f(a, b);'), { heavy: 0, light: 0 });
    assert.deepEqual(bracketDefects('f(a, b);)'), { heavy: 2, light: 0 });
    assert.deepEqual(bracketDefects('if (x) {'), { heavy: 0, light: 1 });
    assert.deepEqual(bracketDefects('f(g(x);)'), { heavy: 1, light: 0 });
    assert.deepEqual(bracketDefects('{ f(); }'), { heavy: 0, light: 0 });
    assert.deepEqual(bracketDefects("f(';')"), { heavy: 0, light: 0 });
    assert.deepEqual(bracketDefects("f('a')'"), { heavy: 1, light: 0 });
    assert.deepEqual(bracketDefects("s = 'a\\'b'"), { heavy: 0, light: 0 });
    assert.deepEqual(bracketDefects('x = 1 # (', '#'), { heavy: 0, light: 0 });
    assert.deepEqual(bracketDefects('x = `a\n${b}`'), { heavy: 0, light: 0 });
  });
});
