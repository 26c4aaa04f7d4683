import * as assert from 'node:assert/strict';
import { actionKey, isPerformable, type Action } from '../../src/core/next/signals/actions';
import { NextStepPredictor } from '../../src/core/next/nextStepPredictor';
import { NO_LINKS, type FileLinks } from '../../src/core/nextEdit/fileLinks';
import { ShowThreshold } from '../../src/core/next/learners/showThreshold';

/** Plays repetitions of a scripted session and scores the top-1 guess before each step Ondi can perform. */
function play(
  predictor: NextStepPredictor,
  repetitions: readonly (readonly Action[])[],
  onCommit?: (rep: number) => void,
) {
  const outcomes: { rep: number; want: string; got: string | undefined }[] = [];
  let clock = 0;
  repetitions.forEach((steps, rep) => {
    for (const action of steps) {
      const { steps: suggested } = predictor.suggest(5);
      if (isPerformable(action)) outcomes.push({ rep, want: actionKey(action), got: suggested[0]?.key });
      predictor.observe({ at: (clock += 1000), action });
      if (action.kind === 'commit') onCommit?.(rep);
    }
  });
  return outcomes;
}

function topOneRate(outcomes: ReturnType<typeof play>, fromRep: number): { rate: number; steps: number } {
  const later = outcomes.filter((o) => o.rep >= fromRep);
  return { rate: later.filter((o) => o.want === o.got).length / later.length, steps: later.length };
}

const editSaveTestCommit = (module: string): Action[] => [
  { kind: 'open', file: `src/${module}.ts` },
  { kind: 'edit', file: `src/${module}.ts` },
  { kind: 'save', file: `src/${module}.ts` },
  { kind: 'open', file: `test/${module}.test.ts` },
  { kind: 'edit', file: `test/${module}.test.ts` },
  { kind: 'save', file: `test/${module}.test.ts` },
  { kind: 'task', name: 'npm: test' },
  { kind: 'taskEnd', name: 'npm: test', exitCode: 0 },
  { kind: 'commit' },
];

describe('next-step predictor on scripted sessions', () => {
  it('puts the right step first in at least 90% of steps once "edit, save, run tests, commit" repeated three times', () => {
    const predictor = new NextStepPredictor();
    const reps = Array.from({ length: 12 }, () => editSaveTestCommit('cart'));
    const { rate, steps } = topOneRate(play(predictor, reps), 3);
    assert.equal(steps, 9 * 4);
    assert.ok(rate >= 0.9, `top-1 rate ${rate}`);
  });

  it('carries the habit across modules: the test file of the module just saved, then the tests, then the commit', () => {
    const predictor = new NextStepPredictor();
    const modules = ['cart', 'money', 'index', 'checkout'];
    const reps = Array.from({ length: 16 }, (_, i) =>
      editSaveTestCommit(modules[i % modules.length] ?? 'cart').slice(1),
    );
    // The git extension reports each commit's files, which teaches source/test co-change.
    const outcomes = play(predictor, reps, (rep) => {
      const module = modules[rep % modules.length] ?? 'cart';
      predictor.learnCommit([`src/${module}.ts`, `test/${module}.test.ts`]);
    });
    // The habit is abstract (save a *.ts, open its test, run tests, commit), so it is scored from
    // the fourth repetition on even though each module has been seen only once by then.
    const { rate, steps } = topOneRate(outcomes, 3);
    assert.equal(steps, 13 * 3);
    assert.ok(
      rate >= 0.9,
      `top-1 rate ${rate}: ${JSON.stringify(outcomes.filter((o) => o.rep >= 3 && o.want !== o.got))}`,
    );
  });

  it('follows a shell-command habit, with the command line as the label and a reason that counts', () => {
    const predictor = new NextStepPredictor();
    const cycle: Action[] = [
      { kind: 'edit', file: 'app/models.py' },
      { kind: 'save', file: 'app/models.py' },
      { kind: 'shell', template: 'python -m pytest -q', command: 'python -m pytest -q' },
      { kind: 'shellEnd', template: 'python -m pytest -q', exitCode: 1 },
      { kind: 'open', file: 'tests/test_models.py' },
    ];
    const { rate } = topOneRate(
      play(
        predictor,
        Array.from({ length: 8 }, () => cycle),
      ),
      3,
    );
    assert.ok(rate >= 0.9, `top-1 rate ${rate}`);
    predictor.observe({ at: 1e9, action: { kind: 'save', file: 'app/models.py' } });
    const top = predictor.suggest().steps[0];
    assert.equal(top?.label, 'python -m pytest -q');
    assert.match(
      top?.reason ?? '',
      /^After saving (a \*\.py file|models\.py), you ran `python -m pytest -q` \d+ times$/,
    );
  });

  it('explains a task suggestion with the saved file kind and the number of times', () => {
    const predictor = new NextStepPredictor();
    play(
      predictor,
      Array.from({ length: 14 }, (_, i) => editSaveTestCommit(`m${i}`)),
    );
    predictor.observe({ at: 1e9, action: { kind: 'save', file: 'test/other.test.ts' } });
    const top = predictor.suggest().steps[0];
    assert.equal(top?.key, 'task:npm: test');
    assert.equal(top?.reason, 'After saving a *.test.ts file, you ran the task `npm: test` 14 times');
  });

  it('suggests files from git history on day one, before any editor event', () => {
    const predictor = new NextStepPredictor();
    for (let i = 0; i < 5; i++) predictor.learnCommit(['src/cart.ts', 'test/cart.test.ts', 'CHANGELOG.md']);
    predictor.learnCommit(['src/money.ts', 'README.md']);
    predictor.observe({ at: 1, action: { kind: 'open', file: 'src/cart.ts' } });
    const steps = predictor.suggest().steps;
    assert.deepEqual(
      steps
        .slice(0, 2)
        .map((s) => s.key)
        .sort(),
      ['open:CHANGELOG.md', 'open:test/cart.test.ts'],
    );
    assert.ok(
      steps.every((s) => s.key !== 'open:src/cart.ts'),
      'never suggests the file already open',
    );
    const test = steps.find((s) => s.key === 'open:test/cart.test.ts');
    assert.equal(test?.reason, 'cart.test.ts and cart.ts are a source/test pair');
    assert.equal(test?.source, 'files');
    const related = predictor.relatedFiles('src/cart.ts', 3);
    assert.deepEqual(
      related
        .slice(0, 2)
        .map((r) => r.file)
        .sort(),
      ['CHANGELOG.md', 'test/cart.test.ts'],
    );
    assert.match(
      related.find((r) => r.file === 'CHANGELOG.md')?.reason ?? '',
      /^Changed together with cart\.ts in 5 recent commits \(\d+% of cart\.ts's\)$/,
    );
    assert.deepEqual(predictor.relatedFiles('never/seen.ts', 3), []);
  });

  it('reports confidences between 0 and 1 that track how often the top guess was right', () => {
    const predictor = new NextStepPredictor();
    const reps = Array.from({ length: 30 }, () => editSaveTestCommit('cart'));
    play(predictor, reps);
    predictor.observe({ at: 1e9, action: { kind: 'save', file: 'test/cart.test.ts' } });
    const { steps } = predictor.suggest();
    for (const step of steps) assert.ok(step.confidence >= 0 && step.confidence <= 1);
    assert.ok((steps[0]?.confidence ?? 0) > 0.8, 'a habit that always held is trusted');
    assert.ok((steps[1]?.confidence ?? 1) < 0.5, 'the runner-up is not');
  });

  it('lists the learned habits in plain words, once per kind of file, most frequent first', () => {
    const predictor = new NextStepPredictor();
    play(
      predictor,
      ['cart', 'money', 'order', 'tax'].map((m) => editSaveTestCommit(m)),
    );
    const habits = predictor.habits(10);
    const texts = habits.map((h) => h.text);
    assert.ok(texts.includes('After saving a *.test.ts file, you ran the task `npm: test` 4 times'), texts.join('\n'));
    assert.ok(texts.includes('After the task `npm: test` finished, you committed 4 times'), texts.join('\n'));
    // the abstract habit stands for the concrete files: no "after saving cart.test.ts" twin
    assert.ok(
      habits.every((h) => !/^save:test\//.test(h.trigger)),
      habits.map((h) => h.trigger).join(', '),
    );
    for (let i = 1; i < habits.length; i++) assert.ok((habits[i - 1]?.count ?? 0) >= (habits[i]?.count ?? 0));
    // a step seen once is not a habit yet
    assert.ok(habits.every((h) => h.count >= 2));
  });

  it('deletes one habit: it stops being suggested, even after a longer context, and the others stay', () => {
    const predictor = new NextStepPredictor();
    play(
      predictor,
      Array.from({ length: 5 }, () => editSaveTestCommit('cart')),
    );
    predictor.observe({ at: 1e9, action: { kind: 'save', file: 'test/cart.test.ts' } });
    assert.equal(predictor.suggest().steps[0]?.key, 'task:npm: test');
    assert.equal(predictor.forgetHabit('save:*.test.ts', 'task:npm: test'), true);
    assert.equal(predictor.forgetHabit('save:*.test.ts', 'task:npm: test'), false, 'nothing left to forget');
    const after = predictor.habits(20);
    assert.ok(after.every((h) => !(h.trigger === 'save:*.test.ts' && h.nextKey === 'task:npm: test')));
    assert.ok(
      after.some((h) => h.nextKey === 'commit'),
      'other habits stay',
    );
    // no context that ends with saving a test file suggests the task any more
    const top = predictor.suggest().steps.find((s) => s.key === 'task:npm: test');
    assert.ok(!top || top.confidence < 0.5, `the task is no longer a confident suggestion (${top?.confidence})`);
  });

  it('counts how often a suggestion was showing and taken, and how often the first guess was right', () => {
    const predictor = new NextStepPredictor();
    const outcomes = play(
      predictor,
      Array.from({ length: 6 }, () => editSaveTestCommit('cart')),
    );
    const { shown, taken, guesses, right } = predictor.tally;
    assert.equal(guesses, outcomes.filter((o) => o.got !== undefined).length);
    assert.equal(right, outcomes.filter((o) => o.got !== undefined && o.got === o.want).length);
    assert.ok(shown > 0 && taken > 0 && taken <= shown && shown <= guesses);
    const restored = new NextStepPredictor();
    restored.restore(predictor.state());
    assert.deepEqual(restored.tally, predictor.tally);
  });

  it('forgets suggestions to open a deleted file', () => {
    const predictor = new NextStepPredictor();
    play(
      predictor,
      Array.from({ length: 5 }, () => editSaveTestCommit('cart')),
    );
    predictor.observe({ at: 1e9, action: { kind: 'delete', file: 'src/cart.ts' } });
    predictor.observe({ at: 1e9 + 1, action: { kind: 'commit' } });
    assert.ok(predictor.suggest().steps.every((s) => s.key !== 'open:src/cart.ts'));
  });
});

describe('show threshold', () => {
  it('starts at its initial value and stays within its bounds', () => {
    const threshold = new ShowThreshold();
    assert.equal(threshold.value, 0.3);
    for (let i = 0; i < 500; i++) threshold.record('ignored');
    assert.equal(threshold.value, 0.9);
    for (let i = 0; i < 500; i++) threshold.record('taken');
    assert.equal(threshold.value, 0.1);
  });

  it('settles where half of the shown suggestions get taken', () => {
    // A user who takes 80% of suggestions above confidence 0.6 and 10% of those below. Among
    // suggestions shown above a bar t < 0.6 the take rate is (0.1 (0.6 - t) + 0.8 * 0.4) / (1 - t),
    // which is 50% at t = 0.3: the bar should settle there.
    const threshold = new ShowThreshold();
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const values: number[] = [];
    for (let i = 0; i < 40_000; i++) {
      const confidence = random();
      const taken = random() < (confidence > 0.6 ? 0.8 : 0.1);
      if (threshold.shouldShow(confidence)) threshold.record(taken ? 'taken' : 'ignored');
      if (i >= 20_000) values.push(threshold.value);
    }
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    assert.ok(Math.abs(mean - 0.3) < 0.06, `threshold settled at ${mean}`);
  });

  it('rises for a user who ignores the suggestions, and falls again once they are taken', () => {
    const predictor = new NextStepPredictor();
    const session = editSaveTestCommit('cart');
    play(
      predictor,
      Array.from({ length: 6 }, () => session),
    );
    const before = predictor.suggest().threshold;
    // After saving the test, Ondi shows "run tests"; this user does something new each time.
    for (let i = 0; i < 20; i++) {
      predictor.observe({ at: 2e9 + i, action: { kind: 'save', file: 'test/cart.test.ts' } });
      predictor.suggest();
      predictor.observe({ at: 2e9 + i + 0.5, action: { kind: 'debug', name: `experiment ${i}` } });
    }
    const raised = predictor.suggest().threshold;
    assert.ok(raised > before, `${raised} > ${before}`);
    for (let i = 0; i < 20; i++) {
      predictor.observe({ at: 3e9 + i, action: { kind: 'save', file: 'test/cart.test.ts' } });
      const shown = predictor.suggest().steps[0];
      if (shown) predictor.observe({ at: 3e9 + i + 0.5, action: shown.action });
    }
    assert.ok(predictor.suggest().threshold < raised);
  });
});

describe('next steps from what the code says, without history', () => {
  it('suggests the file an edit linked (a new import, names it holds) in a workspace with no commits learned', () => {
    const links = (file: string): FileLinks | undefined =>
      file === 'src/cart.ts'
        ? {
            ...NO_LINKS,
            imports: new Set(['shipping']),
            added: new Set(['shipping']),
            sharedWords: new Map([['src/shipping.ts', 1]]),
          }
        : undefined;
    const predictor = new NextStepPredictor(links);
    predictor.observe({ at: 1, action: { kind: 'edit', file: 'src/cart.ts' } });
    const top = predictor.suggest(5).steps[0];
    assert.equal(top?.key, 'open:src/shipping.ts');
    assert.equal(top?.reason, 'cart.ts now imports shipping.ts');
    const without = new NextStepPredictor();
    without.observe({ at: 1, action: { kind: 'edit', file: 'src/cart.ts' } });
    assert.equal(without.suggest(5).steps.length, 0, 'no history and no links: nothing to say');
  });
});
