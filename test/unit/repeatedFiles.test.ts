import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadCases } from '../../src/core/eval/completionEval';
import { comparedLines, leaveOutRepeats, TrainLines, trainLinesOf } from '../../src/core/eval/repeatedFiles';

const cart = [
  'export class Cart {',
  '  readonly lines: string[] = [];',
  '  add(line: string): void {',
  '    this.lines.push(line);',
  '  }',
  '  get size(): number {',
  '    return this.lines.length;',
  '  }',
  '}',
].join('\n');
const money = [
  'export function cents(amount: number): number {',
  '  return Math.round(amount * 100);',
  '}',
  'export function euros(cents: number): string {',
  '  return (cents / 100).toFixed(2);',
  '}',
].join('\n');

function trainOf(files: Record<string, string>): TrainLines {
  const train = new TrainLines();
  for (const [p, text] of Object.entries(files)) train.add({ path: p, text });
  return train;
}

describe('test files that repeat a train file (the line-completion protocol with --train)', () => {
  it('compares stripped lines of at least 10 characters only', () => {
    assert.deepEqual(comparedLines('  }\n    return x;\n\treturn this.lines;\r\n'), ['return this.lines;']);
  });

  it('leaves out a renamed file and a CRLF copy, naming the train file each repeats', () => {
    const train = trainOf({ 'src/cart.ts': cart, 'src/money.ts': money });
    const { kept, leftOut } = leaveOutRepeats(
      [
        { path: 'lib/basket.ts', text: cart },
        { path: 'lib/money.ts', text: money.replace(/\n/g, '\r\n') },
      ],
      train,
    );
    assert.deepEqual(kept, []);
    assert.deepEqual(
      leftOut.map((r) => [r.path, r.repeats.path, r.repeats.share]),
      [
        ['lib/basket.ts', 'src/cart.ts', 1],
        ['lib/money.ts', 'src/money.ts', 1],
      ],
    );
  });

  it('leaves out a file when exactly half of its lines stand in one train file, keeps it below half', () => {
    const train = trainOf({ 'src/money.ts': money });
    // money has 4 compared lines; 4 new ones make exactly half, 5 make less than half
    const fresh = [
      'const total = cents(12.5);',
      'console.log(euros(total));',
      'const tax = total * 0.2;',
      'export { total, tax };',
    ];
    const half = money + '\n' + fresh.join('\n');
    const less = half + '\nconsole.log(euros(tax));';
    const { kept, leftOut } = leaveOutRepeats(
      [
        { path: 'half.ts', text: half },
        { path: 'less.ts', text: less },
      ],
      train,
    );
    assert.deepEqual(
      leftOut.map((r) => [r.path, r.repeats.share]),
      [['half.ts', 0.5]],
    );
    assert.deepEqual(
      kept.map((f) => f.path),
      ['less.ts'],
    );
  });

  it('keeps a file whose lines are spread over several train files (new code in the project idiom)', () => {
    const train = trainOf({ 'src/cart.ts': cart, 'src/money.ts': money });
    // 3 of 7 lines from cart, 2 from money: 5 of 7 in the tree, but at most 3 in any one file
    const text = [
      'export class Order {',
      '  readonly lines: string[] = [];',
      '  add(line: string): void {',
      '    this.lines.push(line);',
      '  return Math.round(amount * 100);',
      '  return (cents / 100).toFixed(2);',
      '  readonly placedAt = new Date();',
    ].join('\n');
    const { kept, leftOut } = leaveOutRepeats([{ path: 'order.ts', text }], train);
    assert.deepEqual(leftOut, []);
    assert.equal(kept.length, 1);
    assert.equal(train.nearest(text)?.path, 'src/cart.ts');
    assert.equal(train.nearest(text)?.share, 3 / 7);
  });

  it('keeps files with no compared lines and files that share nothing', () => {
    const train = trainOf({ 'src/cart.ts': cart });
    const { kept, leftOut } = leaveOutRepeats(
      [
        { path: 'short.ts', text: '}\n}\nx = 1\n' },
        { path: 'other.py', text: 'def handler(event):\n    return event.body\n' },
      ],
      train,
    );
    assert.equal(leftOut.length, 0);
    assert.equal(kept.length, 2);
  });

  it('reads the train folder as the protocol does and samples only the files it keeps', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-repeats-'));
    try {
      const write = async (file: string, text: string): Promise<void> => {
        await fs.mkdir(path.dirname(path.join(root, file)), { recursive: true });
        await fs.writeFile(path.join(root, file), text);
      };
      await write('train/src/cart.ts', cart);
      // node_modules is not part of the train tree the protocol reads
      await write('train/node_modules/pkg/money.ts', money);
      await write('test/src/basket.ts', cart);
      await write('test/src/money.ts', money);
      const train = await trainLinesOf(path.join(root, 'train'));
      assert.equal(train.files, 1);

      const loaded = await loadCases(path.join(root, 'test'), 100, 7, { train });
      assert.equal(loaded.files, 2);
      assert.deepEqual(
        loaded.leftOut?.map((r) => path.relative(root, r.path)),
        [path.join('test', 'src', 'basket.ts')],
      );
      assert.ok(loaded.cases.length > 0);
      assert.ok(loaded.cases.every((c) => c.path.endsWith('money.ts')));

      const all = await loadCases(path.join(root, 'test'), 100, 7);
      assert.equal(all.leftOut, null);
      assert.ok(all.cases.some((c) => c.path.endsWith('basket.ts')));
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
