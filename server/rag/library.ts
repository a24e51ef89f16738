/**
 * A loaded index seen as a library: papers, their references and glossaries, the passages
 * around a passage, and each passage's sentences with the references they cite. Everything
 * answering needs to know about the corpus, computed once per index and cached.
 */
import type { LoadedIndex } from '../../lib/index-store.ts';
import { searchTerms, splitSentences } from '../../lib/text.ts';
import type { Chunk, Embedder, GlossaryEntry, Paper, Reference } from '../../lib/types.ts';
import { findCitations } from '../../lib/citations.ts';
import { Retriever } from './retrieve.ts';

/** A sentence of a passage with the paper's references that support it. */
export interface CitedSentence {
  text: string;
  /** Offsets in the passage text. */
  start: number;
  end: number;
  /** References cited in the sentence, or inherited from the nearest cited sentence. */
  refs: number[];
}

export class Library {
  readonly retriever: Retriever;
  readonly glossary: GlossaryEntry[];
  private readonly papers = new Map<string, Paper>();
  private readonly references = new Map<string, Reference>();
  private readonly blocks = new Map<string, Chunk[]>();
  private readonly sentenceCache = new Map<string, CitedSentence[]>();
  private readonly termCache = new Map<string, Set<string>>();

  constructor(
    readonly index: LoadedIndex,
    readonly embedder: Embedder,
  ) {
    this.retriever = new Retriever(index, embedder);
    this.glossary = index.papers.flatMap((paper) => paper.glossary);
    for (const paper of index.papers) {
      this.papers.set(paper.docId, paper);
      for (const reference of paper.references) this.references.set(`${paper.docId}:${reference.n}`, reference);
    }
    for (const chunk of index.chunks) {
      const key = `${chunk.docId}:${chunk.block}`;
      const list = this.blocks.get(key) ?? [];
      list.push(chunk);
      this.blocks.set(key, list);
    }
  }

  paper(docId: string): Paper | undefined {
    return this.papers.get(docId);
  }

  reference(docId: string, n: number): Reference | undefined {
    return this.references.get(`${docId}:${n}`);
  }

  /** The chunks of the paragraph (or table) `chunk` belongs to, in order. */
  blockOf(chunk: Chunk): Chunk[] {
    return this.blocks.get(`${chunk.docId}:${chunk.block}`) ?? [chunk];
  }

  /** The passages just before and after `chunk` in the same paragraph. */
  neighbors(chunk: Chunk): Chunk[] {
    const block = this.blockOf(chunk);
    const at = block.indexOf(chunk);
    return [block[at - 1], block[at + 1]].filter((neighbor): neighbor is Chunk => neighbor !== undefined);
  }

  /** Search terms of an arbitrary text, cached by key. */
  terms(key: string, text: () => string): Set<string> {
    let terms = this.termCache.get(key);
    if (!terms) {
      terms = new Set(searchTerms(text()));
      this.termCache.set(key, terms);
    }
    return terms;
  }

  /**
   * The sentences of a passage. Paragraph sentences without a citation inherit the next
   * citation of their paragraph (papers cite at the end of a run of sentences), else the
   * previous one; rows, captions and reference entries are one sentence each.
   */
  sentences(chunk: Chunk): CitedSentence[] {
    const cached = this.sentenceCache.get(chunk.id);
    if (cached) return cached;
    let result: CitedSentence[];
    if (chunk.kind !== 'paragraph') {
      result = [{ text: chunk.text, start: 0, end: chunk.text.length, refs: chunk.refs }];
    } else {
      const max = this.paper(chunk.docId)?.references.length ?? 0;
      const block = this.blockOf(chunk);
      const all = block.flatMap((member) =>
        splitSentences(member.text).map((sentence) => ({
          owner: member,
          sentence,
          refs: [...new Set(findCitations(sentence.text, max).flatMap((citation) => citation.numbers))],
        })),
      );
      result = all.flatMap((entry, i) => {
        if (entry.owner !== chunk) return [];
        let refs = entry.refs;
        for (let j = i + 1; refs.length === 0 && j < all.length; j++) refs = all[j]!.refs;
        for (let j = i - 1; refs.length === 0 && j >= 0; j--) refs = all[j]!.refs;
        return [{ text: entry.sentence.text, start: entry.sentence.start, end: entry.sentence.end, refs }];
      });
    }
    this.sentenceCache.set(chunk.id, result);
    return result;
  }
}
