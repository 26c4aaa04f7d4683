import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { dotenvValues, redactSecrets } from '../../src/core/privacy/redact';
import { postprocess } from '../../src/core/complete/postprocess';
import { findSecrets } from '../../src/core/privacy/secretScan';
import { corpusFiles, leakedFragments, secretCorpus, secretFragments } from './fixtures/secretCorpus';

const corpus = secretCorpus();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.(ts|js|py)$/.test(name) ? [full] : [];
  });
}

describe('secret detection', () => {
  it(`plants ${corpus.length} secrets of ${new Set(corpus.map((s) => s.kind)).size} kinds in code, config, comments, Python and YAML`, () => {
    assert.ok(corpus.length >= 100);
    assert.ok(new Set(corpus.map((s) => s.kind)).size >= 20);
    assert.deepEqual(secretCorpus(), corpus, 'the same corpus every run');
  });

  it('finds every planted secret, all of it', () => {
    const missed: string[] = [];
    for (const s of corpus) {
      const spans = findSecrets(s.text);
      const at = s.text.indexOf(s.secret.split('\n')[0] ?? '');
      const lastLine = s.secret.split('\n').pop() ?? '';
      const end = s.text.lastIndexOf(lastLine) + lastLine.length;
      if (!spans.some((span) => span.start <= at && span.end >= end))
        missed.push(`${s.kind}/${s.context}: ${s.text.slice(0, 80)}`);
    }
    assert.deepEqual(missed, [], `${missed.length} of ${corpus.length} missed`);
  });

  it('redaction before learning keeps no planted secret and no marker, in whole corpus files too', () => {
    const fragments = secretFragments(corpus);
    const kept = corpus.filter((s) => leakedFragments(redactSecrets(s.text).text, secretFragments([s])).length > 0);
    assert.deepEqual(
      kept.map((s) => `${s.kind}/${s.context}`),
      [],
    );
    for (const [file, text] of corpusFiles(corpus)) {
      const { text: out, redactions } = redactSecrets(text);
      assert.deepEqual(leakedFragments(out, fragments), [], file);
      assert.ok(redactions > 0 && !/REDACTED/.test(out), file);
      assert.equal(out.split('\n').length, text.split('\n').length, 'lines keep their numbers');
    }
    // the code around the secrets is kept
    assert.ok(redactSecrets(corpusFiles(corpus).get('src/clients.ts') ?? '').text.includes('return items.reduce('));
  });

  it('removes every value a .env file declares, and leaves plain settings', () => {
    const env =
      'DATABASE_PASSWORD=sunshine\nNODE_ENV=production\nAPI_URL=http://localhost:3000\nSESSION=pw-9f8e7d6c5b4a3f2e1d0c\n';
    const known = dotenvValues(env);
    assert.deepEqual(known, ['sunshine', 'pw-9f8e7d6c5b4a3f2e1d0c']);
    const code = 'const mode = "production";\nconst db = connect("sunshine");\nlogin("pw-9f8e7d6c5b4a3f2e1d0c");\n';
    const { text, redactions } = redactSecrets(code, known);
    assert.equal(redactions, 2);
    assert.equal(text, 'const mode = "production";\n\n\n');
  });

  it("flags few lines of ordinary code (Ondi's own src/)", () => {
    const flagged: string[] = [];
    let lines = 0;
    for (const file of sourceFiles(path.resolve(__dirname, '../../src'))) {
      const text = readFileSync(file, 'utf8');
      lines += text.split('\n').length;
      for (const span of findSecrets(text)) {
        const lineStart = text.lastIndexOf('\n', span.start) + 1;
        const lineEnd = text.indexOf('\n', span.end);
        flagged.push(
          `${path.relative(path.resolve(__dirname, '../..'), file)} ${span.kind}: ${text
            .slice(lineStart, lineEnd < 0 ? undefined : lineEnd)
            .trim()
            .slice(0, 100)}`,
        );
      }
    }
    console.log(
      `      ${flagged.length} findings in ${lines} lines of src/${flagged.length ? `:\n        ${flagged.join('\n        ')}` : ''}`,
    );
    assert.ok(flagged.length <= 10, `${flagged.length} findings in src/:\n${flagged.join('\n')}`);
  });
});

describe('suggestions never show a secret or the redaction marker', () => {
  const show = (linePrefix: string, completion: string): string => postprocess({ completion, linePrefix });

  it('drops or cuts a suggestion before each planted secret', () => {
    const fragments = secretFragments(corpus);
    const shown: string[] = [];
    for (const s of corpus) {
      const linePrefix = s.leadUp.slice(s.leadUp.lastIndexOf('\n') + 1);
      const rest = s.text.slice(s.leadUp.length);
      const out = show(linePrefix, rest);
      if (leakedFragments(out, fragments).length > 0) shown.push(`${s.kind}/${s.context}: ${out.slice(0, 60)}`);
      // the whole line suggested after ordinary code: the code stays, the secret goes
      const code = show('', `callApi(); ${s.text}`);
      if (leakedFragments(code, fragments).length > 0 || !code.startsWith('callApi();'))
        shown.push(`${s.kind}/${s.context} after code: ${code.slice(0, 60)}`);
    }
    assert.deepEqual(shown, []);
    assert.equal(show('const stripeKey = "', `${corpus.find((s) => s.kind === 'stripe-live-key')?.secret}";`), '');
    assert.equal(show('', 'return 1; // sk_live_0123456789abcdefABCDEF'), 'return 1; //');
  });

  it('never shows the marker an older personal model learned', () => {
    assert.equal(show('const apiKey = "', 'REDACTED";'), '');
    assert.equal(show('', 'connect(host, "REDACTED");'), 'connect(host, "');
    assert.equal(show('', 'const REDACTED_FIELDS = ["ssn"];'), 'const REDACTED_FIELDS = ["ssn"];');
  });

  it('leaves ordinary suggestions alone', () => {
    for (const line of [
      'items.reduce((sum, item) => sum + item.price, 0);',
      'const tokenizer = new Tokenizer(options);',
      'password: string;',
      'if (token === "(") depth++;',
    ]) {
      assert.equal(show('', line), line);
    }
  });

  it('costs well under a millisecond for a one-line suggestion', () => {
    const lines = [
      'const total = items.reduce((sum, item) => sum + item.price * item.qty, 0);',
      'await fetch(`${baseUrl}/api/v1/orders/${orderId}`, { method: "POST" });',
    ];
    for (let i = 0; i < 200; i++) show('    ', lines[i % 2] ?? '');
    const runs = 2000;
    const started = performance.now();
    for (let i = 0; i < runs; i++) show('    ', lines[i % 2] ?? '');
    const ms = (performance.now() - started) / runs;
    console.log(`      postprocess with the secret filter: ${(ms * 1000).toFixed(1)} µs per suggestion`);
    assert.ok(ms < 0.5, `${ms} ms`);
  });
});
