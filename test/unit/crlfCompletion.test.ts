import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/run';
import { tokenStream } from '../../src/core/adapt/trainPersonal';
import { lfSplit, withLineEnding } from '../../src/core/complete/lineEndings';
import { RecentFiles } from '../../src/core/complete/recentFiles';
import { loadEngine, type LoadedEngine } from '../../src/core/engine/load';
import { request } from './fixtures/completionRequest';

const SHIPPED = path.resolve(__dirname, '../../models/ondi-code');

/** Three small functions, the cursor left in the third one's return line or in its empty body. */
const SOURCE = [
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function sub(a: number, b: number): number {',
  '  return a - b;',
  '}',
  '',
  'export function mul(a: number, b: number): number {',
  '  return ',
  '}',
  '',
  'export function div(a: number, b: number): number {',
  '',
  '}',
  '',
].join('\n');

/** The cursor's offset in `text` at a 0-based line and character, with '\r\n' counted as two characters. */
function offsetAt(text: string, line: number, character: number): number {
  let offset = 0;
  for (let i = 0; i < line; i++) offset = text.indexOf('\n', offset) + 1;
  return offset + character;
}

async function completeFile(file: string, line: number, col: number): Promise<string> {
  let stdout = '';
  const code = await runCli(
    ['complete', '--file', file, '--line', `${line}`, '--col', `${col}`, '--json'],
    { stdout: (t) => (stdout += t), stderr: () => undefined },
    '0.0.0',
  );
  assert.equal(code, 0, stdout);
  return (JSON.parse(stdout) as { completion: string }).completion;
}

describe('CRLF documents complete as their LF copies (shipped model)', function () {
  this.timeout(120000);
  let dir: string;
  let lfFile: string;
  let crlfFile: string;
  before(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-crlf-'));
    lfFile = path.join(dir, 'lf.ts');
    crlfFile = path.join(dir, 'crlf.ts');
    await fs.writeFile(lfFile, SOURCE);
    await fs.writeFile(crlfFile, SOURCE.replace(/\n/g, '\r\n'));
  });
  after(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('ondi complete --file: a CRLF file gets the LF completion, ending at the line end', async () => {
    const lf = await completeFile(lfFile, 10, 10);
    const crlf = await completeFile(crlfFile, 10, 10);
    assert.ok(lf.length > 0 && !lf.includes('\n'), JSON.stringify(lf));
    assert.equal(crlf, lf);
  });

  it('ondi complete --file: a block body in a CRLF file comes back with CRLF line breaks', async () => {
    const lf = await completeFile(lfFile, 14, 1);
    const crlf = await completeFile(crlfFile, 14, 1);
    assert.ok(lf.includes('\n') && !lf.includes('\r'), JSON.stringify(lf));
    assert.equal(crlf, lf.replace(/\n/g, '\r\n'));
  });
});

describe('CRLF documents through the editor boundary (shipped model)', function () {
  this.timeout(60000);
  let engine: LoadedEngine;
  before(async () => {
    engine = await loadEngine(SHIPPED, { threads: 2, suggestionCache: false });
  });
  after(async () => {
    await engine?.dispose();
  });

  /** What the inline provider does: cut the document at the cursor, complete, write the breaks back. */
  async function completeDocument(
    text: string,
    line: number,
    character: number,
    ending: '\n' | '\r\n',
  ): Promise<string> {
    const { prefix, suffix } = lfSplit(text, offsetAt(text, line, character));
    const completion = await engine.pipeline.complete(request(prefix, suffix), new AbortController().signal);
    return withLineEnding(completion?.text ?? '', ending);
  }

  it('completes a line of a CRLF document exactly as its LF copy, without a carriage return or running past the line', async () => {
    const lf = await completeDocument(SOURCE, 9, 9, '\n');
    const crlf = await completeDocument(SOURCE.replace(/\n/g, '\r\n'), 9, 9, '\r\n');
    assert.ok(lf.length > 0, 'the LF copy gets a completion');
    assert.equal(crlf, lf);
    assert.ok(!crlf.includes('\r') && !crlf.includes('\n'), JSON.stringify(crlf));
  });

  it('completes a block body of a CRLF document as its LF copy, with CRLF breaks', async () => {
    const lf = await completeDocument(SOURCE, 13, 0, '\n');
    const crlf = await completeDocument(SOURCE.replace(/\n/g, '\r\n'), 13, 0, '\r\n');
    assert.ok(lf.includes('\n') && !lf.includes('\r'), JSON.stringify(lf));
    assert.equal(crlf, lf.replace(/\n/g, '\r\n'));
    assert.ok(!/\r(?!\n)/.test(crlf), 'no carriage return without its line feed');
  });

  it('lends the same snippet from a CRLF file as from its LF copy, with no carriage return in it', () => {
    const lfFiles = new RecentFiles(engine.tokenizer, engine.info.eosTokenId);
    const crlfFiles = new RecentFiles(engine.tokenizer, engine.info.eosTokenId);
    lfFiles.note('/w/math.ts', SOURCE);
    crlfFiles.note('/w/math.ts', SOURCE.replace(/\n/g, '\r\n'));
    const prompt = engine.tokenizer.encode(
      'export function sub(a: number, b: number): number {\n  return a - b;\n}\n\nexport function ',
    );
    const lf = lfFiles.match(prompt, '/w/other.ts');
    const crlf = crlfFiles.match(prompt, '/w/other.ts');
    assert.ok(lf, 'the LF file lends a snippet');
    assert.deepEqual(crlf, lf);
    assert.ok(!engine.tokenizer.decode(crlf?.ids ?? []).includes('\r'));
  });

  it('learns the same token stream from a CRLF file as from its LF copy', () => {
    const separator = engine.info.eosTokenId;
    const lf = tokenStream(engine.tokenizer, [{ text: SOURCE, weight: 1 }], separator, 4096);
    const crlf = tokenStream(engine.tokenizer, [{ text: SOURCE.replace(/\n/g, '\r\n'), weight: 1 }], separator, 4096);
    assert.deepEqual([...crlf.tokens], [...lf.tokens]);
    assert.ok(!engine.tokenizer.decode([...crlf.tokens]).includes('\r'));
  });
});
