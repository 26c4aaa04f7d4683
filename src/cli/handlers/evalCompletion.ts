import { loadCases, scoreEngine, scoreLookup } from '../../core/eval/completionEval';
import { loadEngine } from '../../core/model/loadEngine';
import { intOption, stringOption, UsageError, type Options } from '../args';
import { shippedModel } from '../paths';

/** `ondi eval completion --test D [--train D2] [--samples N] [--seed S]` */
export async function evalCompletion(values: Options, progress: (text: string) => void) {
  const test = stringOption(values, 'test');
  if (values.train) throw new UsageError('--train: personal adapters are not available yet');
  const samples = intOption(values, 'samples', 500);
  const seed = intOption(values, 'seed', 0);
  const cases = await loadCases(test, samples, seed);
  if (cases.length === 0) throw new UsageError(`no source lines to sample under ${test}`);
  const engine = await loadEngine(values.model ?? shippedModel());
  try {
    const base = await scoreEngine(engine.pipeline, cases, intOption(values, 'max-tokens', 48), (done) => {
      if (done % 50 === 0) progress(`${done}/${cases.length}\n`);
    });
    const show = intOption(values, 'show', 0);
    cases.slice(0, show).forEach((c, i) => progress(`${JSON.stringify(c.prefix.slice(-40))}\n  want ${JSON.stringify(c.target)}\n  got  ${JSON.stringify(base.predictions[i])}\n`));
    return { samples: cases.length, base: base.metrics, adapted: null, adapt: null, lookup: scoreLookup(cases) };
  } finally {
    await engine.dispose();
  }
}
