import * as assert from 'node:assert/strict';
import type { CommitHunks } from '../../src/core/next/eval/commitHunks';
import {
  ReplayWorkspace,
  replayNextEdit,
  type EditPredictorUnderTest,
  type TreeSource,
} from '../../src/core/next/eval/nextEditEval';
import type { EditCandidate } from '../../src/core/nextEdit/types';

// One file with a call repeated four times, three lines apart (farther than a hit's 2 lines).
const parent = ['old(1);', 'a', 'b', 'c', 'old(2);', 'd', 'e', 'f', 'old(3);', 'g', 'h', 'i', 'old(4);'];
const rename: CommitHunks = {
  hash: 'c1',
  hunks: [1, 5, 9, 13].map((line, k) => ({
    path: 'a.ts',
    oldStart: line,
    oldLines: [`old(${k + 1});`],
    newLines: [`neu(${k + 1});`],
  })),
};

const tree: TreeSource = {
  checkout: () => undefined,
  files: () => ['a.ts'],
  has: (p) => p === 'a.ts',
  read: (p) => (p === 'a.ts' ? parent.join('\n') : undefined),
};

/** Proposes the rename at the last place still holding the old call, and nowhere else. */
function lastPlace(workspace: ReplayWorkspace): EditPredictorUnderTest {
  return {
    name: 'ondi',
    proposes: true,
    predict(): EditCandidate[] {
      const lines = (workspace.read('a.ts') ?? '').split('\n');
      const line = lines.map((text, i) => (text.startsWith('old(') ? i : -1)).reduce((a, b) => Math.max(a, b));
      if (line < 0) return [];
      const newText = (lines[line] ?? '').replace('old(', 'neu(');
      return [
        {
          path: 'a.ts',
          line,
          kind: 'repeat-pattern',
          reason: 'the same rename',
          score: 1,
          proposal: { lines: { start: line, end: line }, newText },
        },
      ];
    },
  };
}

describe('eval edit: content exact match on repeated hunks', () => {
  it('counts an exact proposal at any repeated hunk still to come, and reports the next-hunk reading apart', () => {
    const workspace = new ReplayWorkspace(tree);
    const result = replayNextEdit([rename], tree, workspace, [lastPlace(workspace)], { seed: 3 });
    assert.equal(result.repeated, 3, 'the second, third and fourth hunk repeat the first one’s change');
    assert.equal(result.scores['ondi']?.content_em, 100, 'each time, the last place is a repeat still to come');
    const strict = result.contentEmNextHunk['ondi'];
    assert.ok(
      strict !== null && strict !== undefined && strict < 100,
      `the next hunk is not always the last (${strict})`,
    );
  });

  it('does not count a proposal whose text differs from what the commit wrote there', () => {
    const workspace = new ReplayWorkspace(tree);
    const wrong: EditPredictorUnderTest = {
      ...lastPlace(workspace),
      predict: (recent, limit) =>
        lastPlace(workspace)
          .predict(recent, limit)
          .map((c) => (c.proposal ? { ...c, proposal: { ...c.proposal, newText: 'other();' } } : c)),
    };
    const result = replayNextEdit([rename], tree, workspace, [wrong], { seed: 3 });
    assert.equal(result.scores['ondi']?.content_em, 0);
    assert.equal(result.contentEmNextHunk['ondi'], 0);
  });
});
