/**
 * The peer: the plain LangChain pipeline many RAG chatbots start from, over the same corpus
 * and the same embeddings. The review's raw text is split by `RecursiveCharacterTextSplitter`
 * (1,000 characters, 200 overlap), embedded with the LSA model fitted on our index, kept in an
 * in-memory vector store, and a question's answer is its top-4 passages concatenated. It never
 * declines and ignores conversation history, as such pipelines do.
 *
 * Ours and the peer answer each question in turn in the same passes, so the latency ratio is
 * taken under the same conditions; both are scored by the same rules (accuracy.ts).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { ask } from '../server/rag/answer.ts';
import { answererFor, openLibrary } from '../server/rag/setup.ts';
import { scoreAnswers, type AccuracyReport, type ScoredAnswer } from './accuracy.ts';
import { InMemoryVectorStore } from './peer-store.ts';
import type { Progress } from './progress.ts';
import type { EvalQuestion } from './questions.ts';
import { ratio, summarize, type Summary } from './stats.ts';
import type { Workspace } from './workspace.ts';

export const PEER_SPLIT = { chunkSize: 1_000, chunkOverlap: 200 } as const;
export const PEER_TOP_K = 4;

export interface PeerResult {
  pipeline: string;
  peerChunks: number;
  /** Split + embed + store, once. */
  peerBuildMs: number;
  oursAnswerMs: Summary;
  peerAnswerMs: Summary;
  /** Ours median / peer median, same passes. */
  latencyRatio: number;
  ours: AccuracyReport;
  peer: AccuracyReport;
}

export async function benchPeer(workspace: Workspace, questions: readonly EvalQuestion[], passes: number, progress: Progress): Promise<PeerResult> {
  const library = await openLibrary(workspace.config);
  const answerer = answererFor(library);
  // LsaEmbedder has LangChain's Embeddings shape (embedDocuments, embedQuery): no wrapper needed.
  const embeddings: EmbeddingsInterface = library.embedder;

  const buildStarted = performance.now();
  const splitter = new RecursiveCharacterTextSplitter(PEER_SPLIT);
  const documents = await splitter.createDocuments(await corpusTexts(workspace.corpusDir));
  const store = await InMemoryVectorStore.fromDocuments(documents, embeddings);
  const retriever = store.asRetriever({ k: PEER_TOP_K });
  const peerBuildMs = performance.now() - buildStarted;
  const peerAnswer = async (question: string): Promise<string> =>
    (await retriever.invoke(question)).map((document: DocumentInterface) => document.pageContent).join('\n\n');

  const oursMs: number[] = [];
  const peerMs: number[] = [];
  const oursAnswers: ScoredAnswer[] = [];
  const peerAnswers: ScoredAnswer[] = [];
  // Pass 0 warms both up and is not timed; its answers are the ones scored (all passes agree).
  for (let pass = 0; pass <= passes; pass++) {
    for (const question of questions) {
      let started = performance.now();
      const ours = await ask(answerer, question.question, { history: question.history ?? [] });
      const oursElapsed = performance.now() - started;
      started = performance.now();
      const peer = await peerAnswer(question.question);
      const peerElapsed = performance.now() - started;
      if (pass === 0) {
        oursAnswers.push({ text: ours.answer, declined: ours.abstained });
        peerAnswers.push({ text: peer, declined: false });
        continue;
      }
      oursMs.push(oursElapsed);
      peerMs.push(peerElapsed);
    }
    progress.say('peer', pass === 0 ? 'warm-up pass done (answers scored)' : `pass ${pass}/${passes} done`);
  }
  const oursAnswerMs = summarize(oursMs);
  const peerAnswerMs = summarize(peerMs);
  return {
    pipeline: `RecursiveCharacterTextSplitter ${PEER_SPLIT.chunkSize}/${PEER_SPLIT.chunkOverlap} + in-memory cosine store (LSA embeddings of our index) + top-${PEER_TOP_K} concatenated`,
    peerChunks: documents.length,
    peerBuildMs,
    oursAnswerMs,
    peerAnswerMs,
    latencyRatio: ratio(oursAnswerMs.median, peerAnswerMs.median),
    ours: scoreAnswers(questions, oursAnswers),
    peer: scoreAnswers(questions, peerAnswers),
  };
}

/** The corpus files' text as a plain loader reads it (documentation files left out). */
async function corpusTexts(corpusDir: string): Promise<string[]> {
  const names = (await readdir(corpusDir)).filter((name) => !/^readme/i.test(name) && !name.startsWith('.')).sort();
  return Promise.all(names.map((name) => readFile(join(corpusDir, name), 'utf8')));
}
