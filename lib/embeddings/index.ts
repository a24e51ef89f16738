/**
 * Which embedder to use, decided once from the configuration: the offline LSA model (fitted
 * at ingest, loaded with the index) or an OpenAI-compatible embeddings server.
 */
import type { Config } from '../config.ts';
import { IndexError, type LoadedIndex } from '../index-store.ts';
import type { Embedder } from '../types.ts';
import { LsaEmbedder, type LsaOptions } from './lsa.ts';
import { createOpenAIEmbedder } from './openai.ts';

/** How ingest turns passages into vectors. */
export type EmbedderChoice = { kind: 'local'; lsa?: LsaOptions } | { kind: 'openai'; create: () => Promise<Embedder> };

export function embedderChoice(config: Config): EmbedderChoice {
  const embeddings = config.embeddings;
  if (embeddings.kind === 'local') return { kind: 'local' };
  return { kind: 'openai', create: () => createOpenAIEmbedder(embeddings) };
}

/**
 * The embedder for questions against a loaded index: it must be the one that built the index,
 * or the vectors would not be comparable.
 */
export async function queryEmbedder(config: Config, index: LoadedIndex): Promise<Embedder> {
  const built = index.manifest.embedder;
  if (built.kind === 'local') {
    if (!index.lsa) throw new IndexError('index: the local embedding model is missing; run `npm run ingest -- --rebuild`');
    return new LsaEmbedder(index.lsa);
  }
  if (config.embeddings.kind !== 'openai') {
    throw new IndexError(
      `index: built with ${built.id} embeddings but PAPERCHAT_EMBEDDINGS is local; set PAPERCHAT_EMBEDDINGS=openai or run \`npm run ingest -- --rebuild\``,
    );
  }
  const embedder = await createOpenAIEmbedder(config.embeddings);
  if (embedder.id !== built.id) {
    throw new IndexError(`index: built with ${built.id} but configured for ${embedder.id}; run \`npm run ingest -- --rebuild\``);
  }
  return embedder;
}
