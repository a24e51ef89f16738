/**
 * Neural embeddings from OpenAI or any OpenAI-compatible server (Ollama, vLLM, llama.cpp,
 * LM Studio), through LangChain's `OpenAIEmbeddings`.
 */
import type { Embedder } from '../types.ts';

export interface OpenAIEmbedderOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  timeoutMs?: number;
}

/** Creates the embedder and asks the server once for the vector size. */
export async function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Promise<Embedder> {
  // Imported here: offline runs never load LangChain's OpenAI client.
  const { OpenAIEmbeddings } = await import('@langchain/openai');
  const embeddings = new OpenAIEmbeddings({
    model: options.model,
    apiKey: options.apiKey,
    // Servers differ on base64; floats are understood by every OpenAI-compatible server.
    encodingFormat: 'float',
    maxRetries: 2,
    timeout: options.timeoutMs ?? 60_000,
    batchSize: 256,
    ...(options.baseURL ? { configuration: { baseURL: options.baseURL } } : {}),
  });
  const probe = await embeddings.embedQuery('dimension probe');
  if (!Array.isArray(probe) || probe.length === 0) {
    throw new Error(`embeddings: ${options.model} at ${options.baseURL ?? 'api.openai.com'} returned no vector`);
  }
  const host = options.baseURL ? new URL(options.baseURL).host : 'api.openai.com';
  return {
    id: `openai-${options.model}-${probe.length}d@${host}`,
    dimensions: probe.length,
    embedDocuments: (texts) => embeddings.embedDocuments(texts),
    embedQuery: (text) => embeddings.embedQuery(text),
  };
}
