/**
 * Questions about a paper itself — who wrote it, its DOI, where and when it appeared — are
 * answered from its front matter, not from its reference list: "who wrote the VESPA paper?"
 * asks for that paper's authors, not for those of a paper it cites.
 */
import { searchTerms } from '../../lib/text.ts';
import { FRONT_MATTER, RUNNING_HEAD, type Chunk, type Paper } from '../../lib/types.ts';
import type { CitedPart } from './cite.ts';
import { matchWeight } from './concepts.ts';
import type { Library } from './library.ts';
import type { AnalyzedQuestion } from './question.ts';
import type { Passage } from './retrieve.ts';

/** The question speaks of a document ("the VESPA paper", "this review"). */
const DOCUMENT = /\b(?:paper|article|study|review|publication|manuscript|protocol)\b/i;
/** … but of the ones it cites ("the reference they give", "which study is cited", "they cite"); "cite the paper" is the paper. */
const CITED = /\b(?:cited|cites|citing|referenced|references?)\b|\b(?:they|authors|it|paper|review) cites?\b/i;
/** A front matter line saying where and when the paper appeared (bibliographic conventions). */
const IMPRINT = /\b(?:published|volume|vol\.|article id|copyright|received|accepted)\b|©|\(\s*(?:19|20)\d{2}\s*\)/i;
const YEAR = /\b(?:19|20)\d{2}\b/;
/** Journal (year) volume:page, as running heads and citation lines print it. */
const CITATION_LINE = /\(\s*(?:19|20)\d{2}\s*\)\s*\d+\s*[:(]/;
/** Authors named before "et al.": as reference lists shorten long author lists. */
const LISTED_AUTHORS = 6;

export function paperItselfAnswer(question: AnalyzedQuestion, passages: Passage[], library: Library): CitedPart[] | undefined {
  if (!['author', 'journal', 'year', 'doi'].includes(question.expected) || !DOCUMENT.test(question.text) || CITED.test(question.text)) return undefined;
  const paper = namedPaper(question, passages, library);
  if (!paper) return undefined;
  const front = paper.chunks.filter((chunk) => chunk.sectionPath[0] === FRONT_MATTER && chunk.kind === 'paragraph');
  const title = `“${paper.title.replace(/\.$/, '')}”`;
  if (question.expected === 'author') {
    const authors = paper.front?.authors ?? [];
    const byline = authors.length > 0 ? front.find((chunk) => chunk.text.includes(surname(authors[0]!))) : undefined;
    if (!byline) return undefined;
    const listed = authors.length > LISTED_AUTHORS ? `${authors.slice(0, LISTED_AUTHORS).join(', ')}, et al.` : authors.join(', ');
    return [{ text: `${title} is by ${listed}.`, chunk: byline, refs: [] }];
  }
  const doi = paper.front?.doi;
  if (question.expected === 'doi') {
    const holding = doi ? front.find((chunk) => chunk.text.toLowerCase().includes(doi.toLowerCase())) : undefined;
    return holding && doi ? [{ text: `The DOI of ${title} is ${doi}.`, chunk: holding, refs: [] }] : undefined;
  }
  const imprint = imprintSentence(front, doi, library);
  return imprint ? [{ text: imprint.text, chunk: imprint.chunk, refs: [] }] : undefined;
}

/**
 * The paper the question names: among the retrieved papers, the first whose title, keywords,
 * file name and authors hold every name and rare word of the question; without such words
 * ("the gastric mucinous cancer paper"), the one whose terms hold more of the question than
 * any other's; in a one-paper library, that paper ("who wrote this paper?").
 */
function namedPaper(question: AnalyzedQuestion, passages: Passage[], library: Library): Paper | undefined {
  const docIds = [...new Set(passages.map((passage) => passage.chunk.docId))];
  const termsOf = (docId: string) => new Set([...library.retriever.paperTerms(docId), ...searchTerms((library.paper(docId)?.front?.authors ?? []).join(' '))]);
  // A name the paper's title does not hold ("the KEYNOTE-811 study") is another study's.
  const keys = question.concepts.filter((concept) => concept.key);
  if (keys.length > 0) {
    const docId = docIds.find((candidate) => {
      const terms = termsOf(candidate);
      return keys.every((concept) => matchWeight(concept, terms) > 0);
    });
    return docId ? library.paper(docId) : undefined;
  }
  if (library.paperCount() === 1) return library.paper(docIds[0] ?? '');
  const held = docIds.map((docId) => ({ docId, weight: question.concepts.reduce((sum, concept) => sum + (matchWeight(concept, termsOf(docId)) > 0 ? concept.weight : 0), 0) })).sort((a, b) => b.weight - a.weight);
  const [best, next] = held;
  return best && best.weight > 0 && (!next || best.weight > next.weight) ? library.paper(best.docId) : undefined;
}

/**
 * The front matter sentence with the journal and the year: one with the DOI or a citation line
 * ("Trials (2015) 16:50") first, then one with a volume; a running head without either (a
 * download stamp's date) last.
 */
function imprintSentence(front: Chunk[], doi: string | undefined, library: Library): { text: string; chunk: Chunk } | undefined {
  const sentences = front.flatMap((chunk) => library.sentences(chunk).map((sentence) => ({ text: sentence.text.trim(), chunk })));
  const candidates = sentences.filter((sentence) => (IMPRINT.test(sentence.text) || sentence.chunk.section === RUNNING_HEAD) && YEAR.test(sentence.text));
  const rank = ({ text, chunk }: { text: string; chunk: Chunk }) =>
    (doi && text.toLowerCase().includes(doi.toLowerCase())) || CITATION_LINE.test(text) ? 0 : /\bvol(?:ume|\.)/i.test(text) ? 1 : chunk.section === RUNNING_HEAD ? 3 : 2;
  return candidates.sort((a, b) => rank(a) - rank(b))[0];
}

/** "France Légaré" → "Légaré"; "Chen Jian-Hui" → "Jian-Hui" (the name as printed, last word). */
function surname(name: string): string {
  return name.trim().split(/\s+/).pop() ?? name;
}
