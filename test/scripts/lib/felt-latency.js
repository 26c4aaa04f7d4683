'use strict';
// The arithmetic of `npm run bench:editor`, kept apart from the browser so it can be
// unit-tested on made-up marks: which of Ondi's timing records (one JSON line per request,
// src/core/complete/requestTiming.ts) put up the ghost text a probe saw, how the time from the
// keystroke to that ghost text splits, and percentiles over the probes. All marks are
// Date.now() milliseconds of one machine.

/** Linear interpolation between the nearest ranks (as src/core/eval/metrics.ts). */
function percentile(values, p) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return round(sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo));
}

function round(x, digits = 1) {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

function stats(values) {
  return { n: values.length, p50: percentile(values, 50), p95: percentile(values, 95) };
}

/**
 * The record whose answer a probe's ghost text shows: the first request VS Code made at or
 * after the keystroke, on the probe's line, that handed out a suggestion. `slackMs` absorbs the
 * millisecond rounding of two Date.now() readers.
 */
function matchRecord(probe, records, slackMs = 1) {
  return records
    .filter(
      (r) =>
        r.outcome === 'shown' &&
        r.calledAt >= probe.keyAt - slackMs &&
        (probe.line === undefined || r.line === probe.line),
    )
    .sort((a, b) => a.returnedAt - b.returnedAt)[0];
}

/** The first non-empty ghost text rendering at or after `since`. */
function firstGhostAfter(renders, since, slackMs = 1) {
  return renders.find((g) => g.t >= since - slackMs && g.text.length > 0);
}

/**
 * Which answer the probe's ghost text shows, and when it came up: the first rendering of
 * ghost text after the keystroke that follows a suggestion handed out for it, attributed to
 * the latest such suggestion handed out before that rendering (VS Code shows the newest
 * answer; an earlier one it dropped never reached the screen).
 */
function attribute(probe, records, renders, slackMs = 1) {
  const shown = records
    .filter(
      (r) =>
        r.outcome === 'shown' &&
        r.calledAt >= probe.keyAt - slackMs &&
        (probe.line === undefined || r.line === probe.line),
    )
    .sort((a, b) => a.returnedAt - b.returnedAt);
  for (const ghost of renders) {
    if (ghost.t < probe.keyAt - slackMs || ghost.text.length === 0) continue;
    const answered = shown.filter((r) => r.returnedAt <= ghost.t + slackMs);
    if (answered.length > 0) return { record: answered[answered.length - 1], ghost };
  }
  return undefined;
}

/**
 * Splits one probe. `renders` are the page's ghost text renderings ({t, text}) in time order.
 * Returns the probe's kind and, where Ondi answered, its parts (they add up to `felt`):
 *   before: keystroke -> provider called (VS Code's debounce and the trip to the extension host)
 *   wait:   provider called -> wait over (Ondi's adaptive debounce)
 *   queue:  posted to the worker -> the worker starts it (requests ahead of it, the message hop)
 *   engine: the worker's pipeline run
 *   host:   wait over -> posted, engine done -> provider returns (the host's own work, the reply hop)
 *   back:   provider returns -> ghost text in the DOM
 * kinds: 'model' and 'cached' (how the worker answered), 'editor' (ghost text up with no new
 * answer from Ondi: VS Code kept a suggestion the user typed into), 'none' (no ghost text).
 */
function splitProbe(probe, records, renders) {
  const found = attribute(probe, records, renders);
  if (found) {
    const { record, ghost } = found;
    const worker = record.worker;
    if (worker && record.waitedAt !== undefined && record.postedAt !== undefined) {
      const parts = {
        before: record.calledAt - probe.keyAt,
        wait: record.waitedAt - record.calledAt,
        queue: worker.startedAt - record.postedAt,
        engine: worker.doneAt - worker.startedAt,
        host: record.postedAt - record.waitedAt + (record.returnedAt - worker.doneAt),
        back: ghost.t - record.returnedAt,
      };
      return {
        kind: worker.kind === 'cached' ? 'cached' : 'model',
        felt: ghost.t - probe.keyAt,
        ondi: record.returnedAt - record.calledAt,
        parts,
        requestId: record.id,
        // ghost text the editor showed before Ondi's answer came (typing into a suggestion)
        editorFirst: firstGhostAfter(renders, probe.keyAt)?.t !== ghost.t,
      };
    }
  }
  const ghost = firstGhostAfter(renders, probe.keyAt);
  return ghost ? { kind: 'editor', felt: ghost.t - probe.keyAt } : { kind: 'none' };
}

/**
 * Requests that waited in the worker's queue (more than `thresholdMs`) while an older request
 * was still running there: a request whose keystroke was already superseded, holding up the
 * current one. Each with how long it waited.
 */
function waitsBehindStale(records, thresholdMs = 5) {
  const timed = records.filter((r) => r.worker && r.postedAt !== undefined);
  const waits = [];
  for (const r of timed) {
    const queued = r.worker.startedAt - r.postedAt;
    if (queued <= thresholdMs) continue;
    const behind = timed.find(
      (o) => o.id < r.id && o.worker.startedAt <= r.worker.startedAt && o.worker.doneAt > r.postedAt + thresholdMs,
    );
    if (behind) waits.push({ id: r.id, behind: behind.id, queueMs: queued });
  }
  return waits;
}

/** Percentiles of the split probes, apart for model runs and cache answers. */
function summarize(splits, records) {
  const of = (kind) => splits.filter((s) => s.kind === kind);
  const part = (list, name) => stats(list.map((s) => s.parts[name]));
  const block = (list) => ({
    felt: stats(list.map((s) => s.felt)),
    ondi: stats(list.map((s) => s.ondi)),
    before: part(list, 'before'),
    wait: part(list, 'wait'),
    queue: part(list, 'queue'),
    engine: part(list, 'engine'),
    host: part(list, 'host'),
    back: part(list, 'back'),
  });
  const stale = waitsBehindStale(records);
  const queued = records.filter((r) => r.worker && r.postedAt !== undefined && r.worker.startedAt - r.postedAt > 5);
  const ran = records.filter((r) => r.worker && r.worker.kind === 'model');
  return {
    probes: splits.length,
    model: block(of('model')),
    cached: block(of('cached')),
    editor: { n: of('editor').length, felt: stats(of('editor').map((s) => s.felt)) },
    none: of('none').length,
    requests: records.length,
    model_runs: ran.length,
    engine_all_runs: stats(ran.map((r) => r.worker.doneAt - r.worker.startedAt)),
    waited_behind_stale: stale.length,
    stale_wait_ms: stats(stale.map((w) => w.queueMs)),
    // queued over 5 ms with no older request running: behind the worker's other work
    waited_behind_other: queued.length - stale.length,
  };
}

/** The targets the benchmark reports against, for new suggestions (the model ran). */
const TARGETS = { ondi_p50: 60, ondi_p95: 150, felt_p50: 200, felt_p95: 400, waited_behind_stale: 0 };

function verdict(summary) {
  const m = summary.model;
  const le = (value, limit) => (value === undefined ? undefined : value <= limit);
  return {
    ondi_p50: le(m.ondi.p50, TARGETS.ondi_p50),
    ondi_p95: le(m.ondi.p95, TARGETS.ondi_p95),
    felt_p50: le(m.felt.p50, TARGETS.felt_p50),
    felt_p95: le(m.felt.p95, TARGETS.felt_p95),
    waited_behind_stale: summary.waited_behind_stale <= TARGETS.waited_behind_stale,
  };
}

module.exports = {
  percentile,
  stats,
  matchRecord,
  firstGhostAfter,
  attribute,
  splitProbe,
  waitsBehindStale,
  summarize,
  verdict,
  TARGETS,
};
