import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/run';
import { loadEngine } from '../../src/core/engine/load';
import { ModelFolderError } from '../../src/core/model/modelFolder';

const SHIPPED = path.resolve(__dirname, '../../models/ondi-code');

type Json = Record<string, unknown>;

/** Every copy made, removed after the tests (the ONNX folder inside is a link, left alone). */
const copies: string[] = [];

/** A copy of the shipped model folder (the ONNX files linked, not copied) with `breakIt` applied. */
async function brokenCopy(breakIt: (dir: string) => Promise<void>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ondi-model-'));
  copies.push(dir);
  for (const name of ['config.json', 'tokenizer.json', 'tokenizer_config.json'])
    await fs.copyFile(path.join(SHIPPED, name), path.join(dir, name));
  await fs.symlink(path.join(SHIPPED, 'onnx'), path.join(dir, 'onnx'));
  await breakIt(dir);
  return dir;
}

async function editJson(file: string, edit: (json: Json) => unknown): Promise<void> {
  const json = JSON.parse(await fs.readFile(file, 'utf8')) as Json;
  await fs.writeFile(file, JSON.stringify(edit(json)));
}

const config = (dir: string, edit: (c: Json) => unknown): Promise<void> =>
  editJson(path.join(dir, 'config.json'), edit);
const tokenizer = (dir: string, edit: (t: Json) => unknown): Promise<void> =>
  editJson(path.join(dir, 'tokenizer.json'), edit);
const bpe = (t: Json): Json => t['model'] as Json;

/** Another tokenizer: the same one cut down to its first `size` tokens (and the merges that make them). */
function cutTo(size: number): (t: Json) => Json {
  return (t) => {
    const model = bpe(t);
    const vocab = Object.fromEntries(
      Object.entries(model['vocab'] as Record<string, number>).filter(([, id]) => id < size),
    );
    const merges = (model['merges'] as string[]).filter((m) => {
      const [left = '', right = ''] = m.split(' ');
      return left + right in vocab;
    });
    return { ...t, model: { ...model, vocab, merges } };
  };
}

/** Loading the folder fails with a ModelFolderError whose message matches `message` (`DIR` stands for the folder). */
async function refuses(dir: string, message: RegExp): Promise<void> {
  const pattern = new RegExp(message.source.replaceAll('DIR', escape(dir)));
  await assert.rejects(loadEngine(dir, { threads: 1 }), (e: unknown) => {
    assert.ok(
      e instanceof ModelFolderError,
      `a ModelFolderError, not ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
    );
    assert.match(e.message, pattern);
    return true;
  });
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('model folder errors name the file and what is wrong', function () {
  this.timeout(60_000);
  after(() => Promise.all(copies.map((dir) => fs.rm(dir, { recursive: true, force: true }))));

  it('a missing or corrupt config.json, or one with a field of the wrong kind', async () => {
    await refuses(
      await brokenCopy((d) => fs.rm(path.join(d, 'config.json'))),
      /^no model at DIR \(config\.json is missing\)$/,
    );
    await refuses(
      await brokenCopy((d) => fs.writeFile(path.join(d, 'config.json'), '{"vocab_size": 16')),
      /^DIR\/config\.json is not valid JSON \(.+\)$/,
    );
    await refuses(
      await brokenCopy((d) => fs.writeFile(path.join(d, 'config.json'), '[]')),
      /^DIR\/config\.json must hold a JSON object$/,
    );
    await refuses(
      await brokenCopy((d) => config(d, ({ vocab_size: _, ...c }) => c)),
      /^DIR\/config\.json: vocab_size must be a positive whole number, not missing$/,
    );
    await refuses(
      await brokenCopy((d) => config(d, (c) => ({ ...c, hidden_size: '384' }))),
      /^DIR\/config\.json: hidden_size must be a positive whole number, not "384"$/,
    );
    await refuses(
      await brokenCopy((d) => config(d, (c) => ({ ...c, eos_token_id: 16384 }))),
      /^DIR\/config\.json: eos_token_id must be a token id below vocab_size \(16384\), not 16384$/,
    );
    await refuses(
      await brokenCopy((d) => config(d, (c) => ({ ...c, num_attention_heads: [1, 'x'] }))),
      /^DIR\/config\.json: num_attention_heads must be a list of whole numbers$/,
    );
  });

  it('a tokenizer.json that is missing, not JSON, or lacks its model, merges or vocab', async () => {
    await refuses(
      await brokenCopy((d) => fs.rm(path.join(d, 'tokenizer.json'))),
      /^tokenizer\.json is missing from DIR$/,
    );
    await refuses(
      await brokenCopy((d) => fs.writeFile(path.join(d, 'tokenizer.json'), '{"model": {')),
      /^DIR\/tokenizer\.json is not valid JSON \(.+\)$/,
    );
    await refuses(
      await brokenCopy((d) => tokenizer(d, ({ model: _, ...t }) => t)),
      /^DIR\/tokenizer\.json: "model" is missing or not an object/,
    );
    await refuses(
      await brokenCopy((d) => tokenizer(d, (t) => ({ ...t, model: { ...bpe(t), merges: undefined } }))),
      /^DIR\/tokenizer\.json: model\.merges must be a list of merges \("a b" or \["a", "b"\]\)/,
    );
    await refuses(
      await brokenCopy((d) => tokenizer(d, (t) => ({ ...t, model: { ...bpe(t), merges: [3] } }))),
      /^DIR\/tokenizer\.json: model\.merges must be a list of merges/,
    );
    await refuses(
      await brokenCopy((d) => tokenizer(d, (t) => ({ ...t, model: { ...bpe(t), vocab: undefined } }))),
      /^DIR\/tokenizer\.json: model\.vocab must map each token to a whole number id/,
    );
    await refuses(
      await brokenCopy((d) => tokenizer(d, (t) => ({ ...t, model: { ...bpe(t), vocab: { a: -1 } } }))),
      /^DIR\/tokenizer\.json: model\.vocab must map each token to a whole number id \("a" is -1\)/,
    );
    await refuses(
      await brokenCopy((d) => tokenizer(d, (t) => ({ ...t, model: { ...bpe(t), type: 'WordPiece' } }))),
      /^DIR\/tokenizer\.json: model\.type is "WordPiece", Ondi's models use a BPE tokenizer$/,
    );
    await refuses(
      await brokenCopy((d) => tokenizer(d, (t) => ({ ...t, added_tokens: [{ id: '0' }] }))),
      /^DIR\/tokenizer\.json: added_tokens must be a list of \{ id, content \}/,
    );
  });

  it('a tokenizer_config.json that is missing or not JSON', async () => {
    await refuses(
      await brokenCopy((d) => fs.rm(path.join(d, 'tokenizer_config.json'))),
      /^tokenizer_config\.json is missing from DIR$/,
    );
    await refuses(
      await brokenCopy((d) => fs.writeFile(path.join(d, 'tokenizer_config.json'), 'eos_token: x')),
      /^DIR\/tokenizer_config\.json is not valid JSON \(.+\)$/,
    );
    await refuses(
      await brokenCopy((d) => editJson(path.join(d, 'tokenizer_config.json'), (c) => ({ ...c, eos_token: 7 }))),
      /^DIR\/tokenizer_config\.json: eos_token must be a token's text, not 7$/,
    );
    // newer files spell a special token as an object without the library's "__type": it loads
    const objectForm = await brokenCopy((d) =>
      editJson(path.join(d, 'tokenizer_config.json'), (c) => ({
        ...c,
        eos_token: { content: '<|endoftext|>', special: true },
      })),
    );
    const engine = await loadEngine(objectForm, { threads: 1 });
    assert.deepEqual(engine.tokenizer.encode('<|endoftext|>'), [0]);
    await engine.dispose();
  });

  it('a tokenizer that does not belong to the model: its size or its end-of-text token', async () => {
    await refuses(
      await brokenCopy((d) => tokenizer(d, cutTo(16_000))),
      /^DIR\/tokenizer\.json has 16000 tokens but DIR\/config\.json says vocab_size 16384: the tokenizer does not belong to this model$/,
    );
    await refuses(
      await brokenCopy((d) => editJson(path.join(d, 'tokenizer_config.json'), (c) => ({ ...c, eos_token: '</s>' }))),
      /^DIR\/tokenizer_config\.json: the end-of-text token "<\/s>" is not in DIR\/tokenizer\.json; DIR\/config\.json's eos_token_id is 0$/,
    );
    await refuses(
      await brokenCopy((d) =>
        editJson(path.join(d, 'tokenizer_config.json'), (c) => ({ ...c, eos_token: { content: 'Ġthe' } })),
      ),
      /^DIR\/tokenizer_config\.json: the end-of-text token "Ġthe" has id \d+ in DIR\/tokenizer\.json but DIR\/config\.json's eos_token_id is 0$/,
    );
  });

  it('an ONNX file that is missing, corrupt, or scores another vocabulary or hidden size than config.json says', async () => {
    const noOnnx = await brokenCopy(async (d) => {
      await fs.rm(path.join(d, 'onnx'));
      await fs.mkdir(path.join(d, 'onnx'));
    });
    await refuses(noOnnx, /^no ONNX file in DIR\/onnx \(looked for model_quantized\.onnx, model\.onnx\)$/);
    const corrupt = await brokenCopy(async (d) => {
      await fs.rm(path.join(d, 'onnx'));
      await fs.mkdir(path.join(d, 'onnx'));
      await fs.writeFile(path.join(d, 'onnx', 'model_quantized.onnx'), 'not a model');
    });
    await refuses(corrupt, /^DIR\/onnx\/model_quantized\.onnx could not be loaded: .+/);
    // tokenizer and config agree with each other, not with the ONNX graph
    const smaller = await brokenCopy(async (d) => {
      await tokenizer(d, cutTo(16_000));
      await config(d, (c) => ({ ...c, vocab_size: 16_000 }));
    });
    await refuses(
      smaller,
      /^DIR\/onnx\/model_quantized\.onnx scores 16384 tokens but DIR\/config\.json says vocab_size 16000$/,
    );
    await refuses(
      await brokenCopy((d) => config(d, (c) => ({ ...c, hidden_size: 256 }))),
      /^DIR\/onnx\/model_quantized\.onnx has hidden states of size 384 but DIR\/config\.json says hidden_size 256$/,
    );
  });

  it('`ondi complete --model` prints the message, not a stack', async () => {
    const dir = await brokenCopy((d) => tokenizer(d, ({ model: _, ...t }) => t));
    const source = path.join(dir, 'add.py');
    await fs.writeFile(source, 'def add(a, b):\n    return ');
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      ['complete', '--file', source, '--line', '2', '--col', '12', '--model', dir, '--json'],
      { stdout: (t) => out.push(t), stderr: (t) => err.push(t) },
      'test',
    );
    assert.equal(code, 1);
    const tokenizerJson = path.join(dir, 'tokenizer.json');
    assert.deepEqual(JSON.parse(out.join('')), {
      error: `complete: ${tokenizerJson}: "model" is missing or not an object (it holds the BPE vocab and merges)`,
    });
    assert.equal(
      err.join(''),
      `ondi: complete: ${tokenizerJson}: "model" is missing or not an object (it holds the BPE vocab and merges)\n`,
    );
  });

  it('the shipped folder itself loads', async () => {
    const engine = await loadEngine(await brokenCopy(() => Promise.resolve()), { threads: 1 });
    assert.equal(engine.info.vocabSize, 16384);
    await engine.dispose();
  });
});
