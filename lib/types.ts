/**
 * The types at PaperChat's seams: what ingest produces, what the index stores, and the answer
 * object every interface (library, CLI, HTTP, Socket.IO) returns.
 */

/** A half-open character range [start, end) in a paper's source text. */
export interface Span {
  start: number;
  end: number;
}

export type ChunkKind = 'paragraph' | 'table-row' | 'figure-caption' | 'reference';

/** A table row keeps its table's caption and header so it can be read on its own. */
export interface TableCells {
  /** "Table 1" */
  label: string;
  caption: string;
  header: string[];
  cells: string[];
}

/** The section of a paper's first-page matter (title, journal, authors, affiliations). */
export const FRONT_MATTER = 'Front matter';
/** The lines printed on every page (journal, year, volume), kept once as a front-matter passage. */
export const RUNNING_HEAD = 'Running head';

/** One retrievable passage. */
export interface Chunk {
  /** Stable: a hash of the paper, position and text. */
  id: string;
  docId: string;
  docTitle: string;
  /** Innermost heading, with its number ("3.1.2 Pertuzumab"); "" before the first heading. */
  section: string;
  /** Outermost first. */
  sectionPath: string[];
  /** 1-based page, for PDFs. */
  page?: number;
  span: Span;
  kind: ChunkKind;
  /**
   * The paper's own reference numbers this passage cites (for a reference entry, its own
   * number; for a table row, references linked to it through the trial or drug it names).
   */
  refs: number[];
  text: string;
  /** Position of the chunk in its paper (0-based); adjacent chunks differ by one. */
  seq: number;
  /** Chunks cut from the same paragraph or table share a block number. */
  block: number;
  table?: TableCells;
  /**
   * Some sentence of it reads as an instruction to a language model (a prompt injection planted
   * in the paper): such sentences are never quoted as an answer offline, and the passage is
   * marked as quoted data in the LLM prompt.
   */
  instructions?: true;
}

/** An entry of a paper's own reference list. */
export interface Reference {
  docId: string;
  n: number;
  /** The entry as printed (Markdown emphasis removed). */
  text: string;
  authors: string[];
  title: string;
  journal: string;
  year?: number;
  volume?: string;
  pages?: string;
  doi?: string;
}

/** An abbreviation defined in a paper: `trastuzumab deruxtecan (T-DXd)`. */
export interface GlossaryEntry {
  short: string;
  long: string;
  /** The short form is an author's initials ("AF" for Adriana Freitas), as contribution statements write them. */
  author?: true;
}

/** What a paper says about itself on its first page. */
export interface FrontMatter {
  authors: string[];
  abstract?: string;
  keywords: string[];
  /** The paper's own DOI. */
  doi?: string;
  /** Lines printed on every page (running heads, footers: often the journal, year and volume). */
  printed?: string[];
}

/** A paper as ingest understood it. */
export interface Paper {
  docId: string;
  title: string;
  /** Path relative to the corpus directory. */
  source: string;
  format: SourceFormat;
  pages?: number;
  chunks: Chunk[];
  references: Reference[];
  glossary: GlossaryEntry[];
  /** Split paragraphs that were rejoined (page or column breaks). */
  rejoined: number;
  /** The body's headings in reading order, as printed, with their depth (1 = top level). */
  headings?: { text: string; level: number }[];
  front?: FrontMatter;
  /** How the text cites the list: by number (in brackets or parentheses) or by author and year. */
  citations?: { numbered: boolean; numeric: 'brackets' | 'parentheses' | 'both' };
}

export type SourceFormat = 'text' | 'markdown' | 'pdf';

/**
 * Turns text into vectors. The shape of LangChain's `Embeddings`, plus an id and dimensions so
 * an index can record what built it.
 */
export interface Embedder {
  /** Changes whenever the vectors would change (model, parameters, fitted data). */
  readonly id: string;
  readonly dimensions: number;
  embedDocuments(texts: string[]): Promise<number[][]>;
  embedQuery(text: string): Promise<number[]>;
}

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** A cited table row's cells, with what tells it apart from the table's other rows. */
export interface CitedTable extends TableCells {
  /** 1-based position of the row in its table. */
  row: number;
  /** The column whose cells name the rows (0-based; see server/rag/tables.ts `namingColumn`). */
  nameColumn: number;
}

/** A passage cited by an answer: `[n]` in the answer text. */
export interface Citation {
  n: number;
  passageId: string;
  docId: string;
  docTitle: string;
  section: string;
  page?: number;
  kind: ChunkKind;
  text: string;
  refs: number[];
  /** For a table row: its table's label, caption, header and the row's cells. */
  table?: CitedTable;
}

/** A paper's own reference, cited by one of the answer's passages. */
export interface CitedReference {
  docId: string;
  n: number;
  authors: string[];
  title: string;
  journal: string;
  year?: number;
  doi?: string;
}

export type AnswerMode = 'extractive' | 'llm';

/** One shape for the library, the CLI, HTTP and Socket.IO. */
export interface Answer {
  /** Text with `[n]` markers. */
  answer: string;
  abstained: boolean;
  mode: AnswerMode;
  citations: Citation[];
  references: CitedReference[];
  notice?: string;
  timings: { retrieveMs: number; answerMs: number };
}

/**
 * What `answer()` yields while it works; the last event is always `answer-done`. The deltas
 * concatenate to the final answer text; `answer-reset` (only after an LLM failure mid-stream)
 * discards the text so far, and the deltas after it concatenate to the final answer.
 */
export type AnswerEvent =
  | { type: 'answer-delta'; text: string }
  | { type: 'answer-reset' }
  | { type: 'answer-done'; answer: Answer };
