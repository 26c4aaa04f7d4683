// The tokenizer library's own modules, imported one by one so the rest of it (model runtimes,
// image and audio code) is never loaded; their types are the ones the package ships.
declare module '@xenova/transformers/src/tokenizers.js' {
  export { PreTrainedTokenizer } from '@xenova/transformers/types/tokenizers';
}
declare module '@xenova/transformers/src/env.js' {
  export { env } from '@xenova/transformers/types/env';
}
