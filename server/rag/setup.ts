/**
 * Building the answering side from configuration: the index and its embedder as a library,
 * and the LLM when one is configured. Entry points (server, CLI, eval) call these.
 */
import type { Config } from '../../lib/config.ts';
import { queryEmbedder } from '../../lib/embeddings/index.ts';
import { loadIndex } from '../../lib/index-store.ts';
import { Vocabulary } from '../../lib/lexicon/vocabulary.ts';
import { createAnswerer, type Answerer } from './answer.ts';
import { Library } from './library.ts';
import { createLlm, type Llm } from './llm.ts';

/** Loads the current index and the embedder that built it. */
export async function openLibrary(config: Config): Promise<Library> {
  const index = await loadIndex(config.indexDir);
  return new Library(index, await queryEmbedder(config, index), { vocabulary: Vocabulary.load(config.vocabularyDirs) });
}

export function llmFrom(config: Config): Llm | undefined {
  return config.llm ? createLlm(config.llm) : undefined;
}

/** An answerer over a fixed library (the CLI and the eval; the server swaps libraries). */
export function answererFor(library: Library, llm?: Llm): Answerer {
  return createAnswerer({ library: () => library, ...(llm ? { llm } : {}) });
}
