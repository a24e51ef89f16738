/**
 * Questions about a paper itself — who wrote it, its DOI, where and when it appeared — are
 * answered from its front matter, not from its reference list: "who wrote the VESPA paper?"
 * asks for that paper's authors, not for those of a paper it cites.
 */
import { escapeRegExp, searchTerms } from '../../lib/text.ts';
import { FRONT_MATTER, RUNNING_HEAD, type Chunk, type Paper } from '../../lib/types.ts';
import type { CitedPart } from './cite.ts';
import { ANSWER_LENGTH } from './evidence.ts';
import { matchWeight } from './concepts.ts';
import type { Library } from './library.ts';
import type { AnalyzedQuestion } from './question.ts';
import type { Passage } from './retrieve.ts';

/** The question speaks of a document ("the VESPA paper", "this review"). */
const DOCUMENT = /\b(?:paper|article|study|review|publication|manuscript|protocol)\b/i;
/** … but of the ones it cites ("the reference they give", "which study is cited", "they cite"); "cite the paper" is the paper. */
const CITED = /\b(?:cited|cites|citing|referenced|references?)\b|\b(?:they|authors|it|paper|review) cites?\b/i;
/** "Summarise the dementia paper", "the main takeaway of the frog paper", "what is this study about". */
const SUMMARY_ASKED =
  /\b(?:summar(?:y|ise|ize|ised|ized|ising|izing)|sum (?:it )?up|gist|takeaways?|take-home|tl;?dr|in a nutshell|overview|bottom line|main (?:point|message|finding|findings|conclusion|conclusions))\b|\bwhat (?:is|'s|’s|was) (?:the|this|that) (?:[\w-]+ ){0,3}(?:paper|article|study|review|work) (?:about|saying)\b/i;
/** An abstract's conclusion, labelled as structured abstracts label it. */
const CONCLUSION_LABEL = /^\s*(?:conclusions?|interpretation|significance|implications?)\s*(?:[:.]|\s(?=\p{Lu}))/iu;
/** A conclusion states itself in a few sentences; what follows it in an abstract's section is front matter. */
const CONCLUSION_SENTENCES = 3;
/** Lines a layout leaves in an abstract's section: keywords, footnotes (†, *), licences and links. */
const NOT_ABSTRACT = /^(?:key ?words?\b|[†‡*§¶])|creative commons|open access|https?:\/\//i;

/** A front matter line saying where and when the paper appeared (bibliographic conventions). */
const IMPRINT = /\b(?:published|volume|vol\.|article id|copyright|received|accepted)\b|©|\(\s*(?:19|20)\d{2}\s*\)/i;
const YEAR = /\b(?:19|20)\d{2}\b/;
/** Journal (year) volume:page, as running heads and citation lines print it. */
const CITATION_LINE = /\(\s*(?:19|20)\d{2}\s*\)\s*\d+\s*[:(]/;
/** Authors named before "et al.": as reference lists shorten long author lists. */
const LISTED_AUTHORS = 6;

/** "Who funded / paid for / sponsored the study?" */
const FUNDING_ASKED = /\b(?:fund(?:ed|s|ing|er|ers)?|paid for|pay(?:s|ing)? for|financ\w*|sponsor\w*|grants?)\b/i;
/** … the study, the work: not "who pays for the treatment". */
const THE_WORK = /\b(?:paper|article|study|review|work|research|project|trial|protocol|authors?|they|she|he)\b/i;
/** Sections that state funding (acknowledgements often do), and a sentence that names a funder. */
const FUNDING_SECTION = /^(?:\d+\.?\s*)?(?:funding|financial|acknowledge?ments?|grants?)\b/i;
const FUNDING_STATED = /\b(?:fund\w*|grants?|supported|support from|sponsor\w*|financ\w*)\b/i;
/** "Where does the author work?", "which university are they at?", "affiliation". */
const AFFILIATION_ASKED =
  /\baffiliat\w*|\bwhere (?:do|does|did|is|are|was|were) (?:the |this |that |her |his )?(?:[\w-]+ ){0,2}(?:authors?|researchers?|team|they|she|he)\b[^?]*\b(?:work\w*|based|from)\b|\bwhich (?:universit\w*|institut\w*|hospital|department|lab\w*)\b/i;
/** A front matter line naming an institution, as affiliations are printed; not an editor's or reviewer's. */
const INSTITUTION = /\b(?:Universit|Institut|Hospital|Museum|College|Cent(?:re|er)\b|School|Laborator|Department|Faculty|Clinic|Academy)/;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.-]+/;
const NOT_AFFILIATION = /\b(?:edited|reviewed) by\b|©|licen[cs]e|\bdoi\b/i;

export function paperItselfAnswer(question: AnalyzedQuestion, passages: Passage[], library: Library): CitedPart[] | undefined {
  if (!CITED.test(question.text) && THE_WORK.test(question.text) && SUMMARY_ASKED.test(question.text)) {
    // The words asking for a summary ("takeaway") name nothing the paper holds.
    const subject = { ...question, concepts: question.concepts.filter((concept) => !SUMMARY_ASKED.test(concept.surface)) };
    return statementOf(subject, passages, library, conclusionSentences);
  }
  if (!CITED.test(question.text) && THE_WORK.test(question.text)) {
    if (FUNDING_ASKED.test(question.text)) return statementOf(question, passages, library, fundingSentences);
    if (AFFILIATION_ASKED.test(question.text)) return statementOf(question, passages, library, affiliationSentences);
  }
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
    // Printed in the front matter, or wherever the layout put it (a footer, a "Cite this article" box).
    const prints = (chunk: Chunk) => doi !== undefined && chunk.kind === 'paragraph' && chunk.text.toLowerCase().includes(doi.toLowerCase());
    const holding = front.find(prints) ?? paper.chunks.find(prints);
    return holding && doi ? [{ text: `The DOI of ${title} is ${doi}.`, chunk: holding, refs: [] }] : undefined;
  }
  const imprint = imprintSentence(paper, front, doi, library);
  return imprint ? [{ text: imprint.text, chunk: imprint.chunk, refs: [] }] : undefined;
}

type Statement = { text: string; chunk: Chunk };

/**
 * A paper's own statement (its funding, its authors' affiliations) as the answer: the
 * sentences that hold most of the question first, in the paper's order, as many as fit.
 */
function statementOf(question: AnalyzedQuestion, passages: Passage[], library: Library, sentencesOf: (paper: Paper, library: Library) => Statement[]): CitedPart[] | undefined {
  // Topic words ("the crystallography part of this study") need not be in the title; a name
  // the titles lack ("the KEYNOTE-811 trial") is a cited study's, whose funding the papers don't give.
  const named = question.concepts.some((concept) => concept.key && concept.name);
  const paper = namedPaper(question, passages, library) ?? (named || !passages[0] ? undefined : library.paper(passages[0].chunk.docId));
  const sentences = paper ? sentencesOf(paper, library) : [];
  if (sentences.length === 0) return undefined;
  const held = (sentence: Statement) => {
    const terms = new Set(searchTerms(sentence.text));
    return question.concepts.reduce((sum, concept) => sum + concept.weight * matchWeight(concept, terms), 0);
  };
  const ranked = sentences.map((sentence, order) => ({ sentence, order, weight: held(sentence) })).sort((a, b) => b.weight - a.weight || a.order - b.order);
  const kept: typeof ranked = [];
  let length = 0;
  for (const item of ranked) {
    if (kept.length > 0 && length + item.sentence.text.length > ANSWER_LENGTH.short) continue;
    kept.push(item);
    length += item.sentence.text.length;
  }
  return kept.sort((a, b) => a.order - b.order).map(({ sentence }) => ({ text: sentence.text, chunk: sentence.chunk, refs: [] }));
}

/**
 * What a paper concludes, for a summary: its abstract's "Conclusion(s)" part, or else the
 * abstract's last two sentences, where unstructured abstracts put their conclusion; licence,
 * keyword and correspondence lines a layout left in the abstract are not sentences of it.
 */
function conclusionSentences(paper: Paper, library: Library): Statement[] {
  const abstract = paper.chunks.filter((chunk) => chunk.kind === 'paragraph' && chunk.sectionPath[0] === 'Abstract');
  // Prose only: a layout may leave keyword and correspondence lines in the abstract.
  const sentences = abstract
    .flatMap((chunk) => library.sentences(chunk).map((sentence) => ({ text: sentence.text.trim(), chunk })))
    .filter((sentence) => /[.!?]["'”’)]?$/.test(sentence.text) && !EMAIL.test(sentence.text) && !NOT_AFFILIATION.test(sentence.text) && !NOT_ABSTRACT.test(sentence.text));
  const labelled = sentences.findIndex((sentence) => CONCLUSION_LABEL.test(sentence.text));
  return labelled >= 0 ? sentences.slice(labelled, labelled + CONCLUSION_SENTENCES) : sentences.slice(-2);
}

/** The sentences of its funding and acknowledgement sections that name a funder. */
function fundingSentences(paper: Paper, library: Library): Statement[] {
  const sections = paper.chunks.filter((chunk) => chunk.kind === 'paragraph' && FUNDING_SECTION.test(chunk.sectionPath[0] ?? ''));
  return sections.flatMap((chunk) => library.sentences(chunk).map((sentence) => ({ text: sentence.text.trim(), chunk }))).filter((sentence) => FUNDING_STATED.test(sentence.text));
}

/**
 * The front matter lines that name an institution, and first-page lines naming one beside an
 * e-mail address (an affiliation footnote the layout ran into the first paragraph).
 */
function affiliationSentences(paper: Paper, library: Library): Statement[] {
  // A text file has no pages: all of it is the first.
  const firstPage = Math.min(...paper.chunks.map((chunk) => chunk.page ?? 1));
  const front = (chunk: Chunk) => chunk.sectionPath[0] === FRONT_MATTER;
  const candidates = paper.chunks.filter((chunk) => chunk.kind === 'paragraph' && (front(chunk) || (chunk.page ?? 1) === firstPage));
  return candidates
    .flatMap((chunk) => library.sentences(chunk).map((sentence) => ({ text: sentence.text.trim(), chunk })))
    .filter((sentence) => INSTITUTION.test(sentence.text) && !NOT_AFFILIATION.test(sentence.text) && (front(sentence.chunk) || EMAIL.test(sentence.text)));
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
function imprintSentence(paper: Paper, front: Chunk[], doi: string | undefined, library: Library): { text: string; chunk: Chunk } | undefined {
  const sentencesOf = (chunks: Chunk[]) => chunks.flatMap((chunk) => library.sentences(chunk).map((sentence) => ({ text: sentence.text.trim(), chunk })));
  // "Allington-Jones, L 2013 The Phoenix: …": a line citing the paper itself, its title after a
  // year; set under the title, it may have been taken for the abstract's first paragraph.
  const citesItself = (text: string) => new RegExp(`\\b(?:19|20)\\d{2}[a-z]?\\)?[.,]?\\s+${escapeRegExp(paper.title.slice(0, 30))}`).test(text);
  const opening = paper.chunks.filter((chunk) => chunk.kind === 'paragraph' && chunk.sectionPath[0] === 'Abstract').slice(0, 1);
  const candidates = [
    ...sentencesOf(front).filter((sentence) => IMPRINT.test(sentence.text) || sentence.chunk.section === RUNNING_HEAD || citesItself(sentence.text)),
    ...sentencesOf(opening).filter((sentence) => citesItself(sentence.text)),
  ].filter((sentence) => YEAR.test(sentence.text));
  const rank = ({ text, chunk }: { text: string; chunk: Chunk }) =>
    (doi && text.toLowerCase().includes(doi.toLowerCase())) || CITATION_LINE.test(text) ? 0 : /\bvol(?:ume|\.)/i.test(text) ? 1 : chunk.section === RUNNING_HEAD ? 3 : 2;
  return candidates.sort((a, b) => rank(a) - rank(b))[0];
}

/** "France Légaré" → "Légaré"; "Chen Jian-Hui" → "Jian-Hui" (the name as printed, last word). */
function surname(name: string): string {
  return name.trim().split(/\s+/).pop() ?? name;
}
