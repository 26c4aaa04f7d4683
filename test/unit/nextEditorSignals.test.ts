import * as assert from 'node:assert/strict';
import {
  abstractKey,
  actionKey,
  afterPhrase,
  describeAction,
  isPerformable,
  type Action,
} from '../../src/core/next/signals/actions';
import { ErrorTransitions } from '../../src/core/next/signals/errorTransitions';
import { EventLog, parseEvent } from '../../src/core/next/signals/eventLog';
import { NextStepPredictor } from '../../src/core/next/nextStepPredictor';
import { OpenConfirmation } from '../../src/core/next/signals/openConfirmation';

describe('editor signals: vocabulary and log', () => {
  it('names undo, errors and fixed errors as context, never as steps to perform', () => {
    const actions: Action[] = [
      { kind: 'undo', file: 'src/cart.ts' },
      { kind: 'errors', file: 'src/money.ts' },
      { kind: 'errorsFixed', file: 'src/money.ts' },
    ];
    assert.deepEqual(actions.map(actionKey), ['undo:src/cart.ts', 'errors:src/money.ts', 'errorsFixed:src/money.ts']);
    assert.deepEqual(actions.map(abstractKey), ['undo:*.ts', 'errors:*.ts', 'errorsFixed:*.ts']);
    assert.ok(actions.every((action) => !isPerformable(action)));
    assert.equal(describeAction({ kind: 'errors', file: 'src/money.ts' }), 'Errors in money.ts');
    assert.equal(afterPhrase('errors:*.ts'), 'after errors appeared in a *.ts file');
    assert.equal(afterPhrase('errorsFixed:src/money.ts'), 'after the errors in money.ts were fixed');
    assert.equal(afterPhrase('undo:src/cart.ts'), 'after undoing changes in cart.ts');
  });

  it('keeps an undo burst as one event, apart from the edits around it, and reads the new kinds back', () => {
    const log = new EventLog();
    const kinds: Action['kind'][] = ['edit', 'edit', 'undo', 'undo', 'undo', 'edit'];
    kinds.forEach((kind, at) => log.append({ at, action: { kind, file: 'a.ts' } as Action }));
    assert.deepEqual(
      log.events.map((e) => `${e.action.kind}@${e.at}`),
      ['edit@1', 'undo@4', 'edit@5'],
    );
    for (const kind of ['undo', 'errors', 'errorsFixed']) {
      assert.deepEqual(parseEvent({ at: 1, action: { kind, file: 'a.ts' } }), {
        at: 1,
        action: { kind, file: 'a.ts' },
      });
      assert.equal(parseEvent({ at: 1, action: { kind } }), undefined, 'a file is required');
    }
  });
});

describe('error transitions', () => {
  it('announces errors that appear in a file the user is not in, and their end', () => {
    const errors = new ErrorTransitions();
    assert.deepEqual(errors.update('money.ts', 2, false), { kind: 'errors', file: 'money.ts' });
    assert.equal(errors.update('money.ts', 3, false), undefined, 'more errors: nothing new');
    assert.deepEqual(errors.update('money.ts', 0, true), { kind: 'errorsFixed', file: 'money.ts' });
    assert.equal(errors.update('money.ts', 0, false), undefined);
  });

  it('stays quiet about errors in the file being typed in, coming and going', () => {
    const errors = new ErrorTransitions();
    assert.equal(errors.update('cart.ts', 1, true), undefined);
    assert.equal(errors.update('cart.ts', 1, false), undefined, 'still the same errors');
    assert.equal(errors.update('cart.ts', 0, true), undefined);
  });

  it('keeps a bounded number of files', () => {
    const errors = new ErrorTransitions(2);
    errors.update('a', 1, false);
    errors.update('b', 1, false);
    assert.equal(errors.update('c', 1, false), undefined);
    errors.forget('a');
    assert.deepEqual(errors.update('c', 1, false), { kind: 'errors', file: 'c' });
  });
});

describe('open confirmation', () => {
  it('counts an editor switch as opening the file once the user clicks, types or selects in it', () => {
    const opens = new OpenConfirmation(2000);
    assert.equal(opens.activate('cart.ts', 0), undefined);
    assert.equal(opens.select('cart.ts', 'command'), undefined, 'VS Code sets a selection when it shows an editor');
    assert.equal(opens.select('cart.ts', undefined), undefined);
    assert.deepEqual(opens.select('cart.ts', 'mouse'), { kind: 'open', file: 'cart.ts' });
    assert.equal(opens.select('cart.ts', 'keyboard'), undefined, 'once');
    opens.activate('money.ts', 10);
    assert.deepEqual(opens.work('money.ts'), { kind: 'open', file: 'money.ts' }, 'an edit or a save counts too');
  });

  it('drops editors passed through quickly and counts one looked at for a while when it is left', () => {
    const opens = new OpenConfirmation(2000);
    opens.activate('a.ts', 0);
    assert.equal(opens.activate('b.ts', 300), undefined, 'a.ts was passed through');
    assert.equal(opens.activate('b.ts', 400), undefined, 'the same editor again');
    assert.deepEqual(opens.activate('c.ts', 5000), { kind: 'open', file: 'b.ts' }, 'b.ts was read');
    assert.equal(opens.activate(undefined, 5100), undefined);
  });
});

describe('next steps from editor signals', () => {
  /** The user is in cart.ts; a failed check leaves errors in money.ts; the user goes there. */
  function brokenElsewhere(predictor: NextStepPredictor, at: number, goThere: boolean): void {
    const steps: Action[] = [
      { kind: 'open', file: 'src/cart.ts' },
      { kind: 'edit', file: 'src/cart.ts' },
      { kind: 'save', file: 'src/cart.ts' },
      { kind: 'task', name: 'check' },
      { kind: 'taskEnd', name: 'check', exitCode: 1 },
      { kind: 'errors', file: 'src/money.ts' },
    ];
    steps.forEach((action, i) => predictor.observe({ at: at + i, action }));
    if (!goThere) return;
    predictor.observe({ at: at + 10, action: { kind: 'open', file: 'src/money.ts' } });
    predictor.observe({ at: at + 11, action: { kind: 'edit', file: 'src/money.ts' } });
    predictor.observe({ at: at + 12, action: { kind: 'errorsFixed', file: 'src/money.ts' } });
  }

  it('suggests fixing errors that appeared in another file, with the habit as the reason', () => {
    const predictor = new NextStepPredictor();
    for (let round = 0; round < 4; round++) brokenElsewhere(predictor, round * 100, true);
    brokenElsewhere(predictor, 1000, false);
    const top = predictor.suggest().steps[0];
    assert.equal(top?.label, 'Fix errors in money.ts');
    assert.deepEqual(top?.action, { kind: 'open', file: 'src/money.ts' });
    assert.equal(top?.source, 'errors');
    assert.equal(
      top?.reason,
      'money.ts got errors while you were in another file; you went to fix such errors next 4 of 4 times',
    );
  });

  it('stops suggesting it once the errors are fixed, and for the file the user is in', () => {
    const predictor = new NextStepPredictor();
    for (let round = 0; round < 3; round++) brokenElsewhere(predictor, round * 100, true);
    brokenElsewhere(predictor, 1000, false);
    assert.equal(predictor.suggest().steps[0]?.label, 'Fix errors in money.ts');
    predictor.focus('src/money.ts');
    assert.ok(predictor.suggest().steps.every((step) => step.source !== 'errors'));
    predictor.focus('src/cart.ts');
    predictor.observe({ at: 1050, action: { kind: 'errorsFixed', file: 'src/money.ts' } });
    assert.ok(predictor.suggest().steps.every((step) => step.source !== 'errors'));
  });

  it('does not count an undo burst as work in progress on the file', () => {
    const related = (kind: 'edit' | 'undo') => {
      const predictor = new NextStepPredictor();
      // pricing.ts always changes with money.ts; the user is about to open cart.ts.
      for (let i = 0; i < 5; i++) predictor.learnCommit(['src/money.ts', 'src/pricing.ts']);
      predictor.learnCommit(['src/cart.ts', 'src/other.ts']);
      predictor.observe({ at: 1, action: { kind, file: 'src/money.ts' } });
      predictor.observe({ at: 2, action: { kind: 'open', file: 'src/cart.ts' } });
      return predictor.relatedFiles('src/cart.ts', 5).find((r) => r.file === 'src/pricing.ts')?.reason ?? '';
    };
    assert.equal(related('edit'), 'Usually changes with money.ts, which you just worked on');
    assert.doesNotMatch(related('undo'), /you just worked on/);
  });
});
