/**
 * The offline answerer: the answer is made of the papers' own sentences, chosen by the
 * evidence scorer, lightly trimmed (no inline citation numbers, no leading "Moreover,"), with
 * table rows and reference entries rendered as sentences.
 */
import { escapeRegExp, searchTerms } from '../../lib/text.ts';
import type { Chunk, GlossaryEntry, Reference } from '../../lib/types.ts';
import type { CitedPart } from './cite.ts';
import { matchWeight } from './concepts.ts';
import { ANSWER_LENGTH, scoreEvidence, selectEvidence, wantsLongAnswer, type Evidence, type Selection } from './evidence.ts';
import type { Library } from './library.ts';
import type { AnalyzedQuestion, AnswerType } from './question.ts';
import type { Passage } from './retrieve.ts';
import { paperItselfAnswer } from './paper-itself.ts';
import { namingColumn, rowsOfTable, tableListing } from './tables.ts';

export interface ExtractiveResult {
  parts: CitedPart[];
  /** Set when the papers do not hold the answer. */
  abstainReason?: Selection['abstainReason'];
  /** The decision model's probability that the papers hold an answer (1 for glossary answers). */
  answerable: number;
}

export function answerExtractively(question: AnalyzedQuestion, passages: Passage[], library: Library): ExtractiveResult {
  if (question.intent === 'abbreviation') {
    const parts = abbreviationAnswer(question, passages, library);
    if (parts.length > 0) return { parts, answerable: 1 };
  }
  const itself = paperItselfAnswer(question, passages, library);
  if (itself) return { parts: itself, answerable: 1 };
  const listing = tableListing(question, passages, library, LONG_ANSWER);
  if (listing) return { parts: listing, answerable: 1 };
  const caption = captionAnswer(question, passages);
  if (caption) return { parts: [caption], answerable: 1 };
  const evidence = scoreEvidence(question, passages, library);
  const selection = selectEvidence(question, evidence, library.requireModel());
  if (selection.chosen.length === 0) return { parts: [], abstainReason: selection.abstainReason ?? 'no-evidence', answerable: selection.answerable };

  // Parts with a priority (lower is more important) and a place in the answer.
  const candidates: { part: CitedPart; priority: number; place: number }[] = [];
  const chosen = withContext(selection.chosen, library);
  if (question.expected === 'none' || question.expected === 'outcome') {
    const companion = rowCompanion(chosen, library);
    if (companion) chosen.push(companion);
  }
  const cap = wantsLongAnswer(question) ? LONG_ANSWER : SHORT_ANSWER;
  chosen.forEach((item, rank) => {
    const text = excerpt(render(item, question, library), question, cap);
    candidates.push({ part: { text, chunk: item.chunk, refs: item.refs }, priority: 1 + rank, place: item.chunk.seq + item.position / 100 });
  });
  // "Which trial…" answered by a sentence that does not name one: the cited entry's title does.
  const namesATrial = selection.chosen.some((item) => TRIAL_NAME.test(item.text));
  const wantsEntry = question.intent === 'reference' || (question.asksForName && !namesATrial);
  // "Who reported that…": the entries the leading claim cites answer it, not an entry that
  // merely shares words with the question.
  const lead = selection.chosen[0]!;
  const leadCites = lead.chunk.kind !== 'reference' && lead.refs.length > 0;
  if (wantsEntry && (leadCites || !selection.chosen.some((item) => item.chunk.kind === 'reference'))) {
    const entries = citedEntries(question, selection.chosen, library);
    if (leadCites && entries.length > 0) dropUncitedEntries(candidates, entries);
    // "Which trials support …" wants each cited entry; "which journal…" the best one.
    const plural = /\b(trials|studies|references|papers|articles)\b/i.test(question.text);
    entries
      .slice(0, plural ? 3 : 1)
      .forEach((entry, rank) => {
        const part = { text: renderReference(entry.reference, question.expected), chunk: entry.chunk, refs: [entry.reference.n] };
        // The entry is the answer to "which journal / who / DOI / which trial"; otherwise an extra.
        const answers = ['journal', 'author', 'doi', 'year'].includes(question.expected) || question.asksForName;
        candidates.push({ part, priority: (answers ? 0 : 5) + rank / 10, place: Number.MAX_SAFE_INTEGER - 10 + rank });
      });
  }
  if (question.intent === 'definition') {
    const expansion = question.glossaryHits.find((hit) => !candidates.some(({ part }) => part.text.toLowerCase().includes(hit.long.toLowerCase())));
    const defining = expansion ? definingPassage(expansion, library, library.glossaryPaper(expansion)) : undefined;
    if (expansion && defining) candidates.push({ part: { text: `${expansion.short} stands for ${expansion.long}.`, chunk: defining, refs: [] }, priority: 0.5, place: -1 });
  }
  // Short answers: drop the least important parts until the answer fits.
  const kept = [...candidates].sort((a, b) => a.priority - b.priority);
  while (kept.length > 1 && kept.reduce((sum, { part }) => sum + part.text.length + 5, 0) > cap) kept.pop();
  return { parts: kept.sort((a, b) => a.place - b.place).map(({ part }) => part), answerable: selection.answerable };
}

/**
 * A part longer than the answer may be (a caption, a run-on table sentence), cut to the run of
 * its clauses that covers most of the question, with an ellipsis where text was left out.
 */
function excerpt(text: string, question: AnalyzedQuestion, cap: number): string {
  if (text.length <= cap) return text;
  const clauses = text.split(/(?<=[,;:.])\s+/);
  const weights = clauses.map((clause) => {
    const terms = new Set(searchTerms(clause));
    return question.concepts.reduce((sum, concept) => sum + concept.weight * matchWeight(concept, terms), 0);
  });
  let best = { from: 0, to: 0, score: -1 };
  for (let from = 0; from < clauses.length; from++) {
    let length = 0;
    let score = 0;
    for (let to = from; to < clauses.length; to++) {
      length += clauses[to]!.length + 1;
      if (length > cap - 4) break;
      score += weights[to]!;
      if (score > best.score) best = { from, to, score };
    }
  }
  if (best.score < 0) return `${text.slice(0, cap - 2).replace(/\s+\S*$/, '')} …`;
  const kept = clauses.slice(best.from, best.to + 1).join(' ');
  return `${best.from > 0 ? '… ' : ''}${kept}${best.to < clauses.length - 1 ? ' …' : ''}`;
}

/** "Which figure shows …", "what table lists …": asks for a caption. */
const ASKS_FOR_CAPTION = /\bwhich (?:figure|fig\.?|table)\b|\bwhat (?:figure|table)\b|\b(?:figure|table) (?:shows?|presents?|lists?|gives?)\b/i;

/**
 * A question asking which figure shows something is answered by the retrieved caption holding
 * every word of it that is not everyday English (a caption is a figure's name: no sentence of
 * the body answers "which figure"), the one holding most of the question first.
 */
function captionAnswer(question: AnalyzedQuestion, passages: Passage[]): CitedPart | undefined {
  if (!ASKS_FOR_CAPTION.test(question.text)) return undefined;
  const own = question.concepts.filter((concept) => !concept.carried);
  const telling = own.filter((concept) => !concept.common);
  if (telling.length === 0) return undefined;
  const captions = passages
    .filter((passage) => passage.chunk.kind === 'figure-caption')
    .map(({ chunk }) => ({ chunk, terms: new Set(searchTerms(chunk.text)) }))
    .filter(({ terms }) => telling.every((concept) => matchWeight(concept, terms) > 0));
  const held = (terms: Set<string>) => own.reduce((sum, concept) => sum + concept.weight * matchWeight(concept, terms), 0);
  const best = captions.sort((a, b) => held(b.terms) - held(a.terms))[0];
  return best ? { text: best.chunk.text, chunk: best.chunk, refs: best.chunk.refs } : undefined;
}

/** A trial's name: an acronym (TOGA, KEYNOTE-811) or a code with digits (NCT01148849). */
const TRIAL_NAME = /\b(?:[A-Z]{4,}(?:-[A-Za-z0-9]+)*|[A-Z][A-Za-z]*-?\d{2,}[A-Za-z0-9-]*)\b/;

/** Larger than any question's summed concept weights, so it orders before title matches. */
const LEADING_CITATION = 1000;

const SHORT_ANSWER = ANSWER_LENGTH.short;
const LONG_ANSWER = ANSWER_LENGTH.long;

/** Sentences that point back ("These include …") need the sentence before them, and one that
 *  announces a list needs the list that follows. */
const POINTS_BACK = /^(?:these|they|those|this|such|it|its)\b/i;
const LIST_FOLLOWS = /^(?:these|they|those|such)\b.*\b(?:includ|are|compris|consist)|^(?:examples|for (?:example|instance))\b|^[\w\s-]{0,40}\b(?:include|includes|are classified|can be categorized)\b/i;

function withContext(chosen: Evidence[], library: Library): Evidence[] {
  const out = [...chosen];
  const has = (chunk: Chunk, position: number) => out.some((item) => item.chunk.id === chunk.id && item.position === position);
  let added = 0;
  for (const item of chosen) {
    if (item.chunk.kind !== 'paragraph' || added >= 2) continue;
    const sentences = library.sentences(item.chunk);
    const previous = sentences[item.position - 1];
    const next = sentences[item.position + 1];
    if (POINTS_BACK.test(item.text) && previous && !has(item.chunk, item.position - 1)) {
      out.push({ ...item, text: previous.text, position: item.position - 1, refs: previous.refs });
      added++;
    }
    if (next && LIST_FOLLOWS.test(next.text) && !has(item.chunk, item.position + 1)) {
      out.push({ ...item, text: next.text, position: item.position + 1, refs: next.refs });
      added++;
    }
  }
  return out;
}

/**
 * A table row answers with numbers; the body sentence that reports the same trial (it cites a
 * reference linked to the row and repeats two of its figures) says what they mean.
 */
function rowCompanion(chosen: Evidence[], library: Library): Evidence | undefined {
  if (chosen.length > 2) return undefined;
  for (const row of chosen.filter((item) => item.chunk.kind === 'table-row')) {
    const figures = new Set(row.text.match(/\d+\.\d+/g) ?? []);
    for (const n of row.chunk.refs) {
      for (const chunk of library.retriever.citingPassages(row.chunk.docId, n)) {
        if (chunk.kind !== 'paragraph') continue;
        const sentences = library.sentences(chunk);
        const position = sentences.findIndex((sentence) => sentence.refs.includes(n) && (sentence.text.match(/\d+\.\d+/g) ?? []).filter((figure) => figures.has(figure)).length >= 2);
        if (position === -1 || chosen.some((item) => item.chunk.id === chunk.id && item.position === position)) continue;
        const sentence = sentences[position]!;
        return { ...row, chunk, text: sentence.text, position, refs: sentence.refs };
      }
    }
  }
  return undefined;
}

/** "T-DXd stands for trastuzumab deruxtecan [1]." from the glossary, citing where it is defined. */
function abbreviationAnswer(question: AnalyzedQuestion, passages: Passage[], library: Library): CitedPart[] {
  const target = abbreviationTarget(question.text);
  // Only the abbreviation asked about: another one the question happens to name is no answer.
  const asked = target ? question.glossaryHits.filter((hit) => matchesTarget(hit, target)) : question.glossaryHits.filter((hit) => namedIn(hit.short, question.text) || namedIn(hit.long, question.text));
  // Papers may define one short form differently: the paper the question names ("in the tissue
  // welding paper") decides, else the one retrieval ranks first.
  const rankOf = (docId: string | undefined) => {
    const rank = passages.findIndex((passage) => passage.chunk.docId === docId);
    return rank < 0 ? passages.length : rank;
  };
  const named = (docId: string | undefined) => {
    const terms = library.retriever.paperTerms(docId ?? '');
    return question.concepts.reduce((sum, concept) => sum + (matchWeight(concept, terms) > 0 ? concept.weight : 0), 0);
  };
  const hits = asked.map((hit) => ({ hit, docId: library.glossaryPaper(hit) })).sort((a, b) => named(b.docId) - named(a.docId) || rankOf(a.docId) - rankOf(b.docId));
  for (const { hit, docId } of hits) {
    const chunk = definingPassage(hit, library, docId);
    if (!chunk) continue;
    const sentences = library.sentences(chunk);
    const sentence = sentences.find((candidate) => new RegExp(definition(hit)).test(candidate.text)) ?? sentences.find((candidate) => candidate.text.toLowerCase().includes(hit.long.toLowerCase()));
    return [{ text: hit.author ? `${hit.short} is ${hit.long}, an author of the paper.` : `${hit.short} stands for ${hit.long}.`, chunk, refs: sentence?.refs ?? [] }];
  }
  return [];
}

/** The term a "what does X stand for / abbreviation for Y" question asks about. */
function abbreviationTarget(question: string): string | undefined {
  const patterns = [
    /(?:does|do|is|are)\s+(?:the\s+)?["“']?([\w.+-]+)["”']?\s+(?:stand|mean|refer)/i,
    /["“']?([\w.+-]+)["”']?\s+(?:stands? for|(?:is )?(?:short|the code name|the abbreviation) for)/i,
    /(?:abbreviation|acronym|short name|short form) (?:does the paper use |is used |used )?for (?:the )?([^?]+)/i,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(question);
    if (match) return match[1]!.trim().toLowerCase();
  }
  return undefined;
}

function matchesTarget(entry: GlossaryEntry, target: string | undefined): boolean {
  if (!target) return false;
  return singular(entry.short).toLowerCase() === singular(target) || target.includes(entry.long.toLowerCase());
}

/** A short form, singular or plural ("MHC" names the entry "MHCs"). */
function namedIn(short: string, text: string): boolean {
  return new RegExp(`(?<![\\w-])${escapeRegExp(singular(short))}s?(?![\\w-])`, 'i').test(text);
}

/** "MHCs" → "MHC", "mhcs" → "mhc"; a short form of one letter and an s stays. */
function singular(short: string): string {
  return short.length > 2 ? short.replace(/s$/i, '') : short;
}

/**
 * The first passage that defines an abbreviation: "long form (SHORT)", else one that uses both
 * (an initialism the paper writes beside its words: "the European Research Council … ERC Grant").
 */
function definingPassage(entry: GlossaryEntry, library: Library, docId: string | undefined): Chunk | undefined {
  const pattern = new RegExp(`${escapeRegExp(entry.long)}\\s*${definition(entry)}`, 'i');
  // Only the defining paper's passages: another paper may use the short form for something else.
  const chunks = ((docId !== undefined ? library.paper(docId)?.chunks : undefined) ?? library.index.chunks).filter((chunk) => chunk.kind !== 'reference');
  const long = new RegExp(escapeRegExp(entry.long), 'i');
  const short = new RegExp(`(?<![\\w-])${escapeRegExp(entry.short)}s?(?![\\w-])`);
  return (
    chunks.find((chunk) => pattern.test(chunk.text)) ??
    chunks.find((chunk) => long.test(chunk.text) && short.test(chunk.text)) ??
    // An author's initials: the byline names the author.
    (entry.author ? chunks.find((chunk) => long.test(chunk.text)) : undefined)
  );
}

/** The parentheses that define a short form: "(MMSE)", or with a citation, "(MMSE; Folstein et al., 1975)". */
function definition(entry: GlossaryEntry): string {
  return `\\(${escapeRegExp(entry.short)}(?:[;,]\\s[^)]*)?\\)`;
}

/** Drops chosen reference entries other than `entries` (they are about other claims). */
function dropUncitedEntries(candidates: { part: CitedPart }[], entries: { chunk: Chunk }[]): void {
  for (let i = candidates.length - 1; i >= 0; i--) {
    const { chunk } = candidates[i]!.part;
    if (chunk.kind === 'reference' && !entries.some((entry) => entry.chunk.id === chunk.id)) candidates.splice(i, 1);
  }
}

/**
 * For "which journal / DOI / which trial is cited" questions answered from body text: the
 * reference entries the chosen sentences cite, the leading sentence's first, then best title
 * match with the question.
 */
function citedEntries(question: AnalyzedQuestion, chosen: Evidence[], library: Library): { reference: Reference; chunk: Chunk; score: number }[] {
  const entries = new Map<string, { reference: Reference; chunk: Chunk; score: number }>();
  for (const [rank, item] of chosen.entries()) {
    if (item.chunk.kind === 'reference') continue;
    for (const n of item.refs) {
      const reference = library.reference(item.chunk.docId, n);
      const chunk = library.retriever.referenceEntry(item.chunk.docId, n);
      if (!reference || !chunk || entries.has(chunk.id)) continue;
      const titleTerms = new Set(searchTerms(`${reference.title} ${reference.journal}`));
      const matched = question.concepts.reduce((sum, concept) => sum + (concept.alternatives.some((alternative) => alternative.every((term) => titleTerms.has(term))) ? concept.weight : 0), 0);
      // Cited by the leading sentence outranks any title match.
      const score = matched + (rank === 0 ? LEADING_CITATION : 0);
      entries.set(chunk.id, { reference, chunk, score });
    }
  }
  return [...entries.values()].sort((a, b) => b.score - a.score || a.reference.n - b.reference.n);
}

function render(item: Evidence, question: AnalyzedQuestion, library: Library): string {
  const { chunk } = item;
  if (chunk.kind === 'table-row' && chunk.table) return renderRow(chunk, question, library);
  if (chunk.kind === 'reference') {
    const reference = library.reference(chunk.docId, chunk.refs[0] ?? -1);
    return reference ? renderReference(reference, question.expected) : chunk.text;
  }
  if (chunk.kind === 'figure-caption') return chunk.text;
  return trimSentence(item.text);
}

/** Drops inline citation numbers and discourse openers; keeps the sentence's own words. */
function trimSentence(sentence: string): string {
  let text = sentence
    .replace(/\s*[([]\s*\d{1,3}(?:\s*[-–—]\s*\d{1,3})?(?:\s*[,;]\s*\d{1,3}(?:\s*[-–—]\s*\d{1,3})?)*\s*[)\]]/g, '')
    .replace(/^(?:moreover|furthermore|additionally|in addition|meanwhile|similarly|notably|importantly|besides|likewise|consequently|therefore|thus|hence|subsequently|interestingly|also|indeed)\s*,\s*/i, '')
    .replace(/\s+([,.;:])/g, '$1')
    .trim();
  text = text.charAt(0).toUpperCase() + text.slice(1);
  return text;
}

/**
 * A table row as a sentence: its label cell (the cell the question names, else the first, as
 * tables name their rows), then the columns the question asks about (by header, or by a cell
 * holding what it names), or every column when it asks about none.
 */
function renderRow(chunk: Chunk, question: AnalyzedQuestion, library: Library): string {
  const table = chunk.table!;
  const named = new Set(question.concepts.flatMap((concept) => concept.alternatives.flat()));
  // The question's words, question words included: "what year" asks for the Year column.
  const wanted = new Set([...named, ...searchTerms(question.text)]);
  const columns = table.header.map((header, i) => ({ header, cell: table.cells[i] ?? '', i })).filter((column) => column.cell !== '');
  // The column that names the rows ("TOGA", not the drug class) when the question names it,
  // else another cell it names, else the naming column.
  const naming = columns.find((column) => column.i === namingColumn(rowsOfTable(chunk, library)));
  const mentions = (column: (typeof columns)[number]) => searchTerms(column.cell).some((term) => named.has(term));
  const label = (naming && mentions(naming) ? naming : columns.find(mentions)) ?? naming ?? columns[0];
  if (!label) return `${table.label}.`;
  const rest = columns.filter((column) => column !== label);
  const asked = rest.filter((column) => searchTerms(column.header).some((term) => wanted.has(term)) || searchTerms(column.cell).some((term) => named.has(term)));
  const pair = (column: (typeof columns)[number]) => `${column.header ? `${/^[A-Z0-9]{2,}$/.test(column.header) ? column.header : column.header.toLowerCase()} ` : ''}${column.cell}`;
  // The asked columns first; then the others while the row stays within one answer sentence's
  // share of the answer: a header may name the asked value in other words ("lnL" for "log
  // likelihood"), and the whole row is then the faithful answer.
  const budget = SHORT_ANSWER / library.requireModel().selection.maxSentences;
  const shown = asked.length > 0 ? asked.map(pair) : rest.map(pair);
  for (const column of asked.length > 0 ? rest.filter((column) => !asked.includes(column)) : []) {
    if (`${label.cell}: ${[...shown, pair(column)].join('; ')}`.length > budget) break;
    shown.push(pair(column));
  }
  const pairs = shown.join('; ');
  return `In ${table.label}, ${label.cell}${pairs ? `: ${pairs}` : ''}.`;
}

/**
 * A reference entry as a sentence. Asked for its journal, author or DOI, the sentence leads
 * with that; otherwise the entry shortened: first three authors, title, journal, year, DOI.
 */
function renderReference(reference: Reference, expected: AnswerType = 'none'): string {
  const names = reference.authors.filter((author) => author !== 'et al.');
  const etAl = names.length > 3 || reference.authors.includes('et al.');
  // Titles stay whole: trial names often close them ("… (GASTHER3)").
  const title = reference.title;
  const cited = `Reference ${reference.n} (${names[0] ?? 'anonymous'}${etAl || names.length > 1 ? ' et al.' : ''}, “${title}”)`;
  const published = [reference.journal, reference.year ? `(${reference.year})` : ''].filter(Boolean).join(' ');
  if (expected === 'journal' && reference.journal) return `${cited} was published in ${reference.journal}${reference.year ? ` in ${reference.year}` : ''}${reference.doi ? `, doi: ${reference.doi}` : ''}.`;
  if (expected === 'author' && names.length > 0) return `${cited} is by ${names.slice(0, 3).join(', ')}${etAl ? ', et al.' : ''}, ${published}.`;
  if (expected === 'doi' && reference.doi) return `The DOI of ${cited.charAt(0).toLowerCase()}${cited.slice(1)} is ${reference.doi}.`;
  if (expected === 'year' && reference.year) return `${cited} was published in ${reference.year} in ${reference.journal}.`;
  const authors = etAl ? `${names.slice(0, 3).join(', ')}, et al.` : names.join(', ');
  const doi = reference.doi ? ` doi: ${reference.doi}` : '';
  return `Reference ${reference.n}: ${authors}. ${reference.title}. ${published}.${doi}`.replace(/\.\./g, '.');
}
