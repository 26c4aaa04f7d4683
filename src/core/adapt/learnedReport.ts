import type { LearnedMeta, LiftResult } from './workerProtocol';

/**
 * "Ondi: Show What Ondi Learned" as a Markdown page: what the personal model learned from,
 * where it is stored, how learning stands, and the lift measured on the user's recent files.
 * Every figure comes from the model file's header or from a measurement just made.
 */
export interface LearnedReportInput {
  readonly meta: LearnedMeta | undefined;
  readonly file: string | undefined;
  readonly fileBytes: number | undefined;
  /** One line: on, paused, off, training 40%... */
  readonly learning: string;
  /** The last problem (a discarded file, a failed run), if any. */
  readonly problem: string | undefined;
  readonly lift: LiftResult | undefined;
  /** Why there is no lift figure (not measured, failed). */
  readonly liftNote: string | undefined;
  readonly now: Date;
}

export function formatLearnedReport(r: LearnedReportInput): string {
  const out: string[] = ['# What Ondi learned in this workspace', ''];
  out.push(`Learning: ${r.learning}.`, '');
  if (r.problem) out.push(`> Note: ${r.problem}`, '');
  const meta = r.meta;
  if (!meta) {
    out.push(
      'Ondi has not learned anything from this workspace yet. It learns when the editor has been idle for a while,',
      'or now with "Ondi: Train Personal Model Now".',
      '',
    );
    if (r.file) out.push(`It would be stored on this machine only, in \`${r.file}\`.`, '');
    return out.join('\n');
  }
  const trained = new Date(meta.trainedAt);
  out.push(
    '## The personal model',
    '',
    trained.getTime() > 0
      ? `- Last trained: ${trained.toLocaleString()} (${ago(r.now.getTime() - trained.getTime())})${meta.seconds > 0 ? `, taking ${meta.seconds} s` : ''}`
      : '- Last trained: unknown (the file does not say; it was made elsewhere, e.g. by `ondi adapt`)',
    `- Learned from: ${plural(meta.files, 'file')} and ${plural(meta.recentEdits, 'recent edit')}, ${meta.tokens.toLocaleString('en-US')} tokens` +
      (meta.redactions > 0 ? ` (${plural(meta.redactions, 'secret-looking string')} redacted first)` : ''),
    `- Adapter: rank ${meta.rank} update of the output projection, plus your code's token sequences (cache, snippets, neighbours)` +
      (Number.isFinite(meta.loss) ? `; final training loss ${meta.loss}` : ''),
    ...(meta.validation
      ? [
          `- On your newest files, before learning them: ${meta.validation.baseLoss} nats/token for the base model, ${meta.validation.adaptedLoss} with the adapter${meta.validation.strength !== undefined && meta.validation.strength !== 1 ? ` at ${meta.validation.strength}× strength` : ''}, so ` +
            (meta.adapterApplied === false ? 'completions leave the adapter out' : 'completions use it too'),
        ]
      : []),
    `- Stored on this machine only: \`${r.file ?? 'unknown'}\`${r.fileBytes !== undefined ? ` (${(r.fileBytes / 1e6).toFixed(1)} MB)` : ''}. "Ondi: Delete Personal Model…" deletes it.`,
    '',
  );
  out.push('## Measured on your recent edits', '');
  const lift = r.lift;
  if (!lift) {
    out.push(r.liftNote ?? 'Not measured.', '');
  } else {
    const where = lift.files.map((f) => `\`${f}\``).join(', ');
    out.push(
      `${plural(lift.cases, 'line')} from files the personal model did not learn (${where}; every file it learned is left out); the same lines and cursor positions for both rows:`,
      '',
      '| | exact match | edit similarity |',
      '| --- | --- | --- |',
      `| base model | ${pct(lift.base.em)} | ${pct(lift.base.es)} |`,
      `| with what Ondi learned | ${pct(lift.adapted.em)} | ${pct(lift.adapted.es)} |`,
      `| lift | ${points(lift.adapted.em - lift.base.em)} | ${points(lift.adapted.es - lift.base.es)} |`,
      '',
      `Measured just now in ${lift.seconds} s (single-line completions, scored as \`ondi eval completion\` scores them).` +
        (lift.cases < 20 ? ` With only ${plural(lift.cases, 'line')} these figures are rough.` : ''),
      '',
    );
  }
  out.push(
    `## Files learned from (most recent first${meta.fileList.length < meta.files ? `, first ${meta.fileList.length} of ${meta.files}` : ''})`,
    '',
  );
  for (const f of meta.fileList.slice(0, LISTED_FILES)) out.push(`- \`${f}\``);
  if (meta.fileList.length > LISTED_FILES)
    out.push(`- and ${plural(meta.fileList.length - LISTED_FILES, 'more file')}`);
  out.push('');
  return out.join('\n');
}

/** Files the page lists by name. */
const LISTED_FILES = 200;

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

const pct = (x: number): string => `${x.toFixed(1)}%`;
const points = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(1)} points`;

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'} ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} hour${h === 1 ? '' : 's'} ago`;
  return `${Math.round(h / 24)} days ago`;
}
