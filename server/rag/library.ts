/**
 * A loaded index seen as a library: papers, their references and glossaries, the passages
 * around a passage, and each passage's sentences with the references they cite. Everything
 * answering needs to know about the corpus, computed once per index and cached.
 */
import type { LoadedIndex } from '../../lib/index-store.ts';
import { readsAsInstructions } from '../../lib/lexicon/instructions.ts';
import { searchTerms, splitSentences } from '../../lib/text.ts';
import type { ChatTurn, Chunk, Embedder, GlossaryEntry, Paper, Reference } from '../../lib/types.ts';
import { CitationResolver } from '../../lib/citations.ts';
import { LsaEmbedder } from '../../lib/embeddings/lsa.ts';
import { BUILT_IN_VOCABULARY, Vocabulary } from '../../lib/lexicon/vocabulary.ts';
import { analyzeQuestion, type AnalyzedQuestion, type TermStatistics } from './question.ts';
import { adjacentPairs } from './features.ts';
import { loadAnswerModel, type AnswerModel } from './model.ts';
import { DEFAULT_RETRIEVAL, Retriever, type RetrievalSettings } from './retrieve.ts';

/** A sentence of a passage with the paper's references that support it. */
export interface CitedSentence {
  text: string;
  /** Offsets in the passage text. */
  start: number;
  end: number;
  /** References cited in the sentence, or inherited from the nearest cited sentence. */
  refs: number[];
}

export interface LibraryOptions {
  vocabulary?: Vocabulary;
  /** The answering model (default: server/rag/answer-model.json); null: none, for fitting one. */
  model?: AnswerModel | null;
  /** Retrieval settings other than the model's (for fitting them). */
  retrieval?: RetrievalSettings;
}

export class Library {
  readonly retriever: Retriever;
  /** The paper whose glossary holds each entry (one short form may be defined by several papers). */
  private readonly glossaryPapers = new Map<GlossaryEntry, string>();
  readonly glossary: GlossaryEntry[];
  /** Term statistics for question analysis, with the corpus's aliases for unseen terms. */
  readonly vocabulary: TermStatistics;
  private readonly papers = new Map<string, Paper>();
  private readonly references = new Map<string, Reference>();
  private readonly blocks = new Map<string, Chunk[]>();
  /** Table rows by `docId:label` ("Table 2"), in order. */
  private readonly tables = new Map<string, Chunk[]>();
  private readonly sentenceCache = new Map<string, CitedSentence[]>();
  private readonly termCache = new Map<string, Set<string>>();
  private readonly pairCache = new Map<string, Set<string>>();
  private readonly vocabularies = new Map<string, Set<string>>();

  /** The fitted answering model; undefined only while `npm run train` computes the features it is fitted on. */
  readonly model: AnswerModel | undefined;

  constructor(
    readonly index: LoadedIndex,
    readonly embedder: Embedder,
    options: LibraryOptions = {},
  ) {
    const vocabulary = options.vocabulary ?? Vocabulary.load([BUILT_IN_VOCABULARY]);
    this.model = options.model === null ? undefined : (options.model ?? loadAnswerModel());
    this.retriever = new Retriever(index, embedder, options.retrieval ?? this.model?.retrieval ?? DEFAULT_RETRIEVAL);
    this.lsa = index.lsa ? new LsaEmbedder(index.lsa) : undefined;
    this.glossary = index.papers.flatMap((paper) => paper.glossary);
    for (const paper of index.papers) for (const entry of paper.glossary) this.glossaryPapers.set(entry, paper.docId);
    for (const paper of index.papers) {
      this.papers.set(paper.docId, paper);
      for (const reference of paper.references) this.references.set(`${paper.docId}:${reference.n}`, reference);
    }
    const initialisms = journalInitialisms(index.papers.flatMap((paper) => paper.references));
    const lexical = index.lexical;
    this.vocabulary = {
      documentCount: lexical.documentCount,
      documentFrequency: (term) => lexical.documentFrequency(term),
      aliases: (term, name) => [...lexical.similarTerms(term, { truncations: !name }).map((similar) => [similar]), ...(initialisms.get(term) ?? [])],
      related: (term) => index.lexicon?.related[term] ?? [],
      vocabulary,
    };
    for (const chunk of index.chunks) {
      const key = `${chunk.docId}:${chunk.block}`;
      const list = this.blocks.get(key) ?? [];
      list.push(chunk);
      this.blocks.set(key, list);
      if (chunk.kind === 'table-row' && chunk.table) {
        const table = `${chunk.docId}:${chunk.table.label.toLowerCase()}`;
        this.tables.set(table, [...(this.tables.get(table) ?? []), chunk]);
      }
    }
    for (const rows of this.tables.values()) rows.sort((a, b) => a.seq - b.seq);
  }

  /** The corpus's words that are kinds of what the question asks for ("which amino acids" → methionine, histidine). */
  focusMembers(focus: string[]): ReadonlySet<string> {
    const key = focus.join(' ');
    let members = this.memberCache.get(key);
    if (!members) {
      members = new Set(key ? (this.index.lexicon?.members?.[key] ?? []) : []);
      this.memberCache.set(key, members);
    }
    return members;
  }

  private readonly memberCache = new Map<string, ReadonlySet<string>>();

  /** The rows of a paper's table ("Table 2"), in order. */
  tableRows(docId: string, label: string): Chunk[] {
    return this.tables.get(`${docId}:${label.toLowerCase()}`) ?? [];
  }

  /** The papers that have a table with this label. */
  papersWithTable(label: string): string[] {
    return this.index.papers.map((paper) => paper.docId).filter((docId) => this.tables.has(`${docId}:${label.toLowerCase()}`));
  }

  private readonly resolvers = new Map<string, CitationResolver>();

  /** How a paper's sentences cite its references (numbers or author and year). */
  resolver(docId: string): CitationResolver {
    let resolver = this.resolvers.get(docId);
    if (!resolver) {
      const paper = this.paper(docId);
      const references = paper?.references ?? [];
      resolver = new CitationResolver({ count: references.length, numbered: paper?.citations?.numbered ?? true, numeric: paper?.citations?.numeric ?? 'both' }, references);
      this.resolvers.set(docId, resolver);
    }
    return resolver;
  }

  /** The answering model, which answering cannot do without. */
  requireModel(): AnswerModel {
    if (!this.model) throw new Error('model: this library was opened without an answering model');
    return this.model;
  }

  /** The paper that defines a glossary entry. */
  glossaryPaper(entry: GlossaryEntry): string | undefined {
    return this.glossaryPapers.get(entry);
  }

  /** Analyses a question against this library's glossary and vocabulary. */
  analyze(question: string, history: ChatTurn[] = []): AnalyzedQuestion {
    return analyzeQuestion(question, history, this.glossary, this.vocabulary);
  }

  paper(docId: string): Paper | undefined {
    return this.papers.get(docId);
  }

  /** Every search term of a paper's passages, computed once per paper. */
  paperVocabulary(docId: string): Set<string> {
    let vocabulary = this.vocabularies.get(docId);
    if (!vocabulary) {
      // The same key and text as a passage's own terms elsewhere (evidence.ts): one cache entry, one meaning.
      vocabulary = new Set((this.paper(docId)?.chunks ?? []).flatMap((chunk) => [...this.terms(`chunk:${chunk.id}`, () => chunk.text)]));
      this.vocabularies.set(docId, vocabulary);
    }
    return vocabulary;
  }

  paperCount(): number {
    return this.papers.size;
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

  private readonly lsa: LsaEmbedder | undefined;
  private readonly vectorCache = new Map<string, number[]>();

  /**
   * A text's offline (LSA) vector, unit length, cached by key when given; undefined when the
   * index has no local model (it was built with remote embeddings, too slow to ask per sentence).
   */
  sentenceVector(text: string, key?: string): number[] | undefined {
    if (!this.lsa) return undefined;
    const cached = key ? this.vectorCache.get(key) : undefined;
    if (cached) return cached;
    const vector = this.lsa.embed(text);
    if (key) this.vectorCache.set(key, vector);
    return vector;
  }

  /** A text's adjacent search terms as "a b" pairs (for phrase overlap), computed once per key. */
  pairs(key: string, text: () => string): Set<string> {
    let pairs = this.pairCache.get(key);
    if (!pairs) {
      pairs = adjacentPairs(searchTerms(text()));
      this.pairCache.set(key, pairs);
    }
    return pairs;
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
   * previous one; rows, captions and reference entries are one sentence each. A sentence that
   * reads as an instruction to a model (a planted prompt injection) is left out: it is never
   * quoted as an answer.
   */
  sentences(chunk: Chunk): CitedSentence[] {
    const cached = this.sentenceCache.get(chunk.id);
    if (cached) return cached;
    let result: CitedSentence[];
    if (chunk.kind !== 'paragraph') {
      result = [{ text: chunk.text, start: 0, end: chunk.text.length, refs: chunk.refs }];
    } else {
      const resolver = this.resolver(chunk.docId);
      const block = this.blockOf(chunk);
      const all = block.flatMap((member) =>
        splitSentences(member.text).map((sentence) => ({
          owner: member,
          sentence,
          refs: resolver.cited(sentence.text),
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
    if (chunk.instructions) result = result.filter((sentence) => !readsAsInstructions(sentence.text));
    this.sentenceCache.set(chunk.id, result);
    return result;
  }
}

/**
 * Journals by their initials, as readers abbreviate them: "N Engl J Med" → NEJM, "J Clin
 * Oncol" → JCO. Keyed by the search term of the initials; the value is the journal's terms.
 */
function journalInitialisms(references: Reference[]): Map<string, string[][]> {
  const map = new Map<string, string[][]>();
  for (const reference of references) {
    const words = reference.journal.split(/[\s.]+/).filter((word) => /^[A-Za-z]/.test(word));
    if (words.length < 2) continue;
    const initials = searchTerms(words.map((word) => word[0]).join(''))[0];
    const terms = searchTerms(reference.journal);
    if (!initials || terms.length === 0) continue;
    const list = map.get(initials) ?? [];
    if (!list.some((existing) => existing.join(' ') === terms.join(' '))) list.push(terms);
    map.set(initials, list);
  }
  return map;
}
