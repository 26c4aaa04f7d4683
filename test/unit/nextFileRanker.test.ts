import * as assert from 'node:assert/strict';
import { AnswerMemory, DEFAULT_ANSWER_MEMORY } from '../../src/core/next/learners/answerMemory';
import { ChangeSets } from '../../src/core/next/signals/changeSets';
import { DEFAULT_RANKER_OPTIONS, NextFileRanker } from '../../src/core/next/learners/fileRanker';
import { findRenames } from '../../src/core/next/signals/renames';
import { moduleName, NO_LINKS, type FileLinks } from '../../src/core/nextEdit/fileLinks';

const memory = (overrides: Partial<ConstructorParameters<typeof AnswerMemory>[0]> = {}) =>
  new AnswerMemory({ decay: 0.5, priorStrength: 2, maxFiles: 100, maxAnswers: 100, ...overrides });

describe('answer memory', () => {
  it('blends the model with what came next, the model counting as priorStrength outcomes', () => {
    const m = memory();
    assert.equal(m.blend('cart.ts', 'cart.test.ts', 0.3), 0.3, 'no outcomes yet: the model alone');
    m.record('cart.ts', ['cart.test.ts']);
    m.record('cart.ts', ['cart.test.ts', 'money.ts']);
    // asked = 0.5 * 1 + 1 = 1.5; cart.test.ts came 1.5 times, money.ts once.
    assert.deepEqual(m.counts('cart.ts', 'cart.test.ts'), { answered: 1.5, asked: 1.5 });
    assert.equal(m.blend('cart.ts', 'cart.test.ts', 0.3), (2 * 0.3 + 1.5) / 3.5);
    assert.equal(m.blend('cart.ts', 'money.ts', 0.3), (2 * 0.3 + 1) / 3.5);
    assert.equal(m.blend('cart.ts', 'CHANGELOG.md', 0.3), (2 * 0.3) / 3.5, 'a file that never came is pulled down');
  });

  it('forgets an old habit after a few outcomes', () => {
    const m = memory();
    for (let i = 0; i < 5; i++) m.record('a.ts', ['old.ts']);
    for (let i = 0; i < 4; i++) m.record('a.ts', ['new.ts']);
    assert.ok(m.blend('a.ts', 'new.ts', 0.1) > 3 * m.blend('a.ts', 'old.ts', 0.1));
  });

  it('stays within its bounds, dropping the least recently asked file and the weakest answers', () => {
    const m = memory({ maxFiles: 2, maxAnswers: 2 });
    m.record('a', ['x']);
    m.record('b', ['x']);
    m.record('a', ['y']);
    m.record('c', ['x']);
    assert.equal(m.counts('b', 'x').asked, 0, 'b was asked least recently');
    assert.equal(m.counts('a', 'y').answered, 1);
    m.record('a', ['z']);
    assert.equal(m.counts('a', 'x').answered, 0, 'the weakest answer made room');
    assert.equal(m.counts('a', 'z').answered, 1);
  });

  it('carries outcomes over to a renamed file and forgets a deleted one', () => {
    const m = memory();
    m.record('CHANGES.rst', ['src/core.py']);
    m.record('src/core.py', ['CHANGES.rst']);
    m.rename('CHANGES.rst', 'CHANGES.md');
    assert.equal(m.counts('CHANGES.md', 'src/core.py').answered, 1);
    assert.equal(m.counts('src/core.py', 'CHANGES.md').answered, 1);
    assert.equal(m.counts('CHANGES.rst', 'src/core.py').asked, 0);
    m.forget('src/core.py');
    assert.equal(m.counts('CHANGES.md', 'src/core.py').answered, 0);
    assert.equal(m.counts('src/core.py', 'CHANGES.md').asked, 0);
  });
});

describe('change sets per file', () => {
  it("keeps each file's newest change sets, oldest first, and forgets a file everywhere", () => {
    const sets = new ChangeSets(2);
    sets.add(1, ['a', 'b']);
    sets.add(2, ['a', 'c']);
    sets.add(3, ['a', 'b', 'c']);
    assert.deepEqual(
      sets.of('a').map((set) => set.id),
      [2, 3],
    );
    assert.deepEqual(
      sets.of('b').map((set) => set.id),
      [1, 3],
      'b still holds change 1',
    );
    sets.forget('b');
    assert.deepEqual(sets.of('b'), []);
    assert.deepEqual(
      sets.of('a').map((set) => [...set.files]),
      [
        ['a', 'c'],
        ['a', 'c'],
      ],
    );
  });
});

describe('renames', () => {
  it('matches a deleted file to a new one by name and test role, one to one', () => {
    assert.deepEqual(findRenames(['CHANGES.rst'], ['CHANGES.md', 'src/new.py']), [['CHANGES.rst', 'CHANGES.md']]);
    assert.deepEqual(findRenames(['test/main.js', 'index.js'], ['test/main.ts', 'source/index.ts']), [
      ['test/main.js', 'test/main.ts'],
      ['index.js', 'source/index.ts'],
    ]);
    assert.deepEqual(findRenames(['src/cart.ts'], ['test/cart.test.ts']), [], 'a source does not become its test');
    assert.deepEqual(findRenames(['a/util.js'], ['b/util.js', 'c/util.js']), [], 'ambiguous: two candidates');
    assert.deepEqual(findRenames(['a/util.js', 'b/util.js'], ['c/util.js']), [], 'ambiguous: two sources');
  });

  it('moves change sets to the new path', () => {
    const sets = new ChangeSets(4);
    sets.add(1, ['CHANGES.rst', 'src/a.py']);
    sets.add(2, ['CHANGES.md', 'src/b.py']);
    sets.rename('CHANGES.rst', 'CHANGES.md');
    assert.deepEqual(
      sets.of('CHANGES.md').map((set) => [set.id, [...set.files].sort()]),
      [
        [1, ['CHANGES.md', 'src/a.py']],
        [2, ['CHANGES.md', 'src/b.py']],
      ],
    );
    assert.deepEqual(sets.of('CHANGES.rst'), []);
  });

  it('lets a renamed file keep what the ranker learned about it', () => {
    const ranker = new NextFileRanker();
    for (let i = 0; i < 5; i++) ranker.learnChange(['CHANGES.rst', 'src/core.py']);
    ranker.learnChange(['src/other.py']);
    ranker.learnChange(['CHANGES.md', 'CHANGES.rst'], ['CHANGES.rst']);
    assert.equal(ranker.knows('CHANGES.rst'), false);
    assert.equal(ranker.rank('CHANGES.md', 1)[0]?.file, 'src/core.py');
    assert.ok((ranker.rank('src/core.py', 1)[0]?.facts.together ?? 0) > 4, 'and the other side of each pair follows');
  });
});

describe('next-file ranker', () => {
  it("spreads the top picks over the query's different kinds of change", () => {
    const ranker = new NextFileRanker();
    // core.py and utils.py change on their own all the time, but whenever the changelog
    // changes with one of them it changes with both; most other changelog entries are about the UI.
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 3; j++) ranker.learnChange(['src/core.py']);
      for (let j = 0; j < 3; j++) ranker.learnChange(['src/utils.py']);
      ranker.learnChange(['CHANGES.md', 'src/core.py', 'src/utils.py']);
      if (i % 3 !== 2) ranker.learnChange(['CHANGES.md', 'src/ui.py']);
    }
    const top2 = ranker.rank('CHANGES.md', 2).map((ranked) => ranked.file);
    assert.ok(top2.includes('src/ui.py'), top2.join());
  });

  /**
   * CHANGELOG.md changes with cart.ts more often and more recently than anything else, but each
   * time the user went on from cart.ts, they went to pricing.ts.
   */
  function train(ranker: NextFileRanker): void {
    for (let i = 0; i < 4; i++) {
      ranker.learnOutcome('src/cart.ts', new Set(['src/pricing.ts']));
      ranker.learnChange(['src/cart.ts', 'src/pricing.ts']);
    }
    for (let i = 0; i < 10; i++) ranker.learnChange(['CHANGELOG.md', 'src/cart.ts']);
  }

  it("learns each file's own habit, even against a file that changes with everything", () => {
    const ranker = new NextFileRanker();
    train(ranker);
    assert.equal(ranker.rank('src/cart.ts', 3)[0]?.file, 'src/pricing.ts');
    const withoutMemory = new NextFileRanker({
      ...DEFAULT_RANKER_OPTIONS,
      answers: { ...DEFAULT_ANSWER_MEMORY, priorStrength: 1e9 },
    });
    train(withoutMemory);
    assert.equal(
      withoutMemory.rank('src/cart.ts', 3)[0]?.file,
      'CHANGELOG.md',
      'the general model alone prefers the busy file',
    );
  });
  it('brings in and learns to trust the files the code links to the change: imports and shared rare words', () => {
    const files = Array.from({ length: 12 }, (_, i) => `src/feature${i}.ts`);
    const links = (target: string): FileLinks => ({
      ...NO_LINKS,
      imports: new Set([moduleName(target), 'react']),
      sharedWords: new Map([[target, 1.5]]),
    });
    const ranker = new NextFileRanker();
    // every file is known; the query's co-change history points at the changelog only
    ranker.learnChange(files);
    for (let round = 0; round < 60; round++) {
      const target = files[round % files.length] as string;
      // what the code said before the change was learned, then what changed
      ranker.learnOutcome('src/app.ts', new Set([target]), undefined, links(target));
      ranker.learnChange(['src/app.ts', target, 'CHANGELOG.md']);
      ranker.learnChange(['CHANGELOG.md', 'package.json']);
    }
    const target = 'src/feature5.ts';
    const ranked = ranker.rank('src/app.ts', 3, undefined, links(target));
    assert.equal(ranked[0]?.file, target, ranked.map((r) => r.file).join());
    assert.equal(ranked[0]?.facts.queryImports, true);
    assert.equal(ranked[0]?.facts.sharedWordsRank, 0);
    assert.notEqual(ranker.rank('src/app.ts', 3)[0]?.file, target, 'without the links the history alone cannot tell');
  });
});
