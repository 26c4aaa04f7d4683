import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS } from '../../src/vscode/commandIds';

interface ContributedCommand {
  readonly command: string;
}

describe('command ids', () => {
  it('are exactly the commands package.json contributes', () => {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
      contributes: { commands: ContributedCommand[] };
    };
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(COMMAND_IDS).sort());
  });
});

interface TitledCommand {
  readonly command: string;
  readonly title: string;
  readonly category?: string;
}

/** Whether every word of `query` starts a word of `title`, as the palette's word filter matches. */
function paletteMatches(query: string, title: string): boolean {
  const words = title
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((q) => words.some((w) => w.startsWith(q)));
}

describe('command titles in the palette', () => {
  const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
    contributes: { commands: TitledCommand[] };
  };
  const commands = manifest.contributes.commands;
  const destructive = [COMMAND_IDS.forgetNextSteps, COMMAND_IDS.resetPersonalModel];

  it('names what deletes "Delete …" with an ellipsis (it asks first)', () => {
    for (const id of destructive) {
      const title = commands.find((c) => c.command === id)?.title ?? '';
      assert.match(title, /^Delete .+…$/, id);
    }
  });

  it('keeps them out of the way of the commands users search for', () => {
    for (const query of ['Next Step', 'Next', 'Step', 'Train', 'Show', 'Learn']) {
      const reached = commands.filter((c) => paletteMatches(query, `${c.category ?? ''}: ${c.title}`));
      for (const id of destructive) {
        assert.ok(
          !reached.some((c) => c.command === id),
          `"${query}" reaches ${id} (${reached.map((c) => c.title).join(', ')})`,
        );
      }
    }
    assert.ok(paletteMatches('Next Step', 'Ondi: Next Step'));
    assert.ok(paletteMatches('Next Step', 'Ondi: Forget Next-Step History'), 'the former title was reached');
  });
});
