/**
 * The concepts of a question, over a tiny real corpus: its lexical index, WordNet lexicon and
 * the built-in vocabulary.
 */
import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../../../lib/lexical.ts';
import { buildLexicon } from '../../../lib/lexicon/corpus.ts';
import { BUILT_IN_VOCABULARY, Vocabulary } from '../../../lib/lexicon/vocabulary.ts';
import { WordNet } from '../../../lib/lexicon/wordnet.ts';
import { searchTerms } from '../../../lib/text.ts';
import type { Chunk } from '../../../lib/types.ts';
import { conceptsOf, matchWeight, QUESTION_WORDS, type TermStatistics } from '../../../server/rag/concepts.ts';

const chunks = [
  'Trastuzumab deruxtecan (T-DXd) improved overall survival in gastric cancer.',
  'Fifteen trials enrolled 15 patients each and chemotherapy was given.',
  'Trastuzumab plus chemotherapy was the standard in HER2-positive disease.',
].map((text, seq): Chunk => ({ id: `c${seq}`, docId: 'p', docTitle: 'P', section: '', sectionPath: [], span: { start: 0, end: text.length }, kind: 'paragraph', refs: [], text, seq, block: seq }));
const lexical = LexicalIndex.build(chunks);
const lexicon = buildLexicon(chunks, WordNet.load());
const statistics: TermStatistics = {
  documentCount: lexical.documentCount,
  documentFrequency: (term) => lexical.documentFrequency(term),
  aliases: (term) => lexical.similarTerms(term).map((similar) => [similar]),
  related: (term) => lexicon.related[term] ?? [],
  vocabulary: Vocabulary.load([BUILT_IN_VOCABULARY]),
};
const glossary = [{ short: 'T-DXd', long: 'trastuzumab deruxtecan' }, { short: 'OS', long: 'overall survival' }];
const concepts = (text: string) => conceptsOf(text, glossary, statistics).concepts;
const find = (text: string, label: string) => concepts(text).find((concept) => concept.label === label)!;
const t = (text: string) => searchTerms(text);

describe('conceptsOf', () => {
  it('makes content words concepts and question words not', () => {
    expect(concepts('What did the authors report about chemotherapy?').map((concept) => concept.surface)).toEqual(['chemotherapy']);
    expect(concepts('Which study compared patients?').map((concept) => concept.label)).toEqual(['patients']);
    expect([...QUESTION_WORDS]).toEqual(expect.arrayContaining(t('what which study compared')));
  });

  it('reads a slash between words as either word, but keeps codes and units with a slash whole', () => {
    const either = find('Which trials/patients got chemotherapy?', 'trials/patients');
    expect(matchWeight(either, new Set(t('fifteen trials')))).toBe(1);
    expect(matchWeight(either, new Set(t('the patients')))).toBe(1);
    const dose = concepts('What dose in mg/kg was given?').find((concept) => concept.label === 'mg/kg')!;
    expect(matchWeight(dose, new Set(t('15 mg')))).toBe(0);
    const code = concepts('Is HER2/neu the target?').find((concept) => concept.label === 'her2/neu')!;
    expect(matchWeight(code, new Set(t('HER2-positive disease')))).toBe(0);
  });

  it('expands glossary abbreviations to their long form, and long forms to the abbreviation', () => {
    const { concepts: found, glossaryHits } = conceptsOf('What was the OS with T-DXd?', glossary, statistics);
    expect(glossaryHits.map((entry) => entry.short)).toEqual(['T-DXd', 'OS']);
    expect(found.find((concept) => concept.label === 'OS')!.alternatives).toEqual([t('OS'), t('overall survival')]);
    const long = find('What did trastuzumab deruxtecan improve?', 'T-DXd');
    expect(long).toMatchObject({ surface: 'trastuzumab deruxtecan', alternatives: [t('T-DXd'), t('trastuzumab deruxtecan')], key: true, name: true });
  });

  it('gives vocabulary phrases their other names: brands, lay terms', () => {
    expect(find('Did Herceptin help?', 'herceptin')).toMatchObject({ surface: 'Herceptin', key: true, name: true });
    expect(find('Did Herceptin help?', 'herceptin').alternatives).toContainEqual(['trastuzumab']);
    expect(find('Is stomach cancer treatable?', 'stomach cancer').alternatives).toEqual([t('stomach cancer'), t('gastric cancer')]);
  });

  it('reads number words as digits, and near spellings as corpus words', () => {
    expect(find('How many patients were in fifteen trials?', 'fifteen')).toMatchObject({ alternatives: [['fifteen'], ['15']], weights: [1, 1] });
    expect(find('Was trastuzumb given?', 'trastuzumb')).toMatchObject({ alternatives: [['trastuzumb'], ['trastuzumab']], weights: [1, 0.9], absent: false });
  });

  it('relates ordinary words through the corpus lexicon, weighted less', () => {
    const live = find('How long do people live?', 'live');
    expect(live.alternatives).toEqual([['live'], t('survival')]);
    expect(live.weights[1]).toBeCloseTo(0.7 * 0.6);
    expect(live.common).toBe(true);
  });

  it('marks words the corpus lacks as absent, and carried-over concepts as carried', () => {
    expect(find('What about xyzzyplugh?', 'xyzzyplugh')).toMatchObject({ absent: true, key: true });
    expect(conceptsOf('chemotherapy', [], statistics, true).concepts.every((concept) => concept.carried)).toBe(true);
  });
});

describe('matchWeight', () => {
  it('is the weight of the surest alternative whose terms are all present', () => {
    const tdxd = find('T-DXd', 'T-DXd');
    expect(matchWeight(tdxd, new Set(t('with trastuzumab deruxtecan')))).toBe(1);
    expect(matchWeight(tdxd, new Set(t('trastuzumab alone')))).toBe(0);
    const live = find('live', 'live');
    expect(matchWeight(live, new Set(t('survival')))).toBeCloseTo(0.42);
    expect(matchWeight(live, new Set(t('survival live')))).toBe(1);
  });
});

describe('letters and digits written together or apart', () => {
  const pipes = ['Pipes of Ø150 mm were insulated with rock wool.', 'Stacking with Tyr 369 holds the inhibitor.'].map(
    (text, seq): Chunk => ({ id: `d${seq}`, docId: 'q', docTitle: 'Q', section: '', sectionPath: [], span: { start: 0, end: text.length }, kind: 'paragraph', refs: [], text, seq, block: seq }),
  );
  const index = LexicalIndex.build(pipes);
  const stats: TermStatistics = { ...statistics, documentCount: index.documentCount, documentFrequency: (term) => index.documentFrequency(term), aliases: () => [] };

  it('finds "150mm" and "Tyr369" where the paper writes "150 mm" and "Tyr 369"', () => {
    for (const [question, label, sentence] of [
      ['savings for a 150mm pipe?', '150mm', pipes[0]!.text],
      ['what does Tyr369 do?', 'tyr369', pipes[1]!.text],
    ] as const) {
      const concept = conceptsOf(question, [], stats).concepts.find((candidate) => candidate.label === label)!;
      expect(concept.absent).toBe(false);
      expect(matchWeight(concept, new Set(t(sentence)))).toBe(1);
    }
  });

  it('leaves a code with a one-letter piece alone', () => {
    expect(conceptsOf('is e2 excluded?', [], stats).concepts.find((concept) => concept.label === 'e2')!.alternatives).toEqual([['e2']]);
  });
});

describe('chat wording', () => {
  const passages = ['Chemotherapy was given to 40 people.', 'The inner metatarsal tubercle (IM) is large.'].map(
    (text, seq): Chunk => ({ id: `e${seq}`, docId: 'r', docTitle: 'R', section: '', sectionPath: [], span: { start: 0, end: text.length }, kind: 'paragraph', refs: [], text, seq, block: seq }),
  );
  const index = LexicalIndex.build(passages);
  const stats: TermStatistics = { ...statistics, documentCount: index.documentCount, documentFrequency: (term) => index.documentFrequency(term), aliases: () => [] };
  const withShortForm = [{ short: 'IM', long: 'inner metatarsal tubercle' }, ...glossary];
  const chat = (text: string) => conceptsOf(text, withShortForm, stats).concepts;

  it('reads "ppl" as people, an everyday word and not the subject', () => {
    const people = chat('how many ppl got chemo?').find((concept) => concept.label === 'ppl')!;
    expect(people.alternatives).toContainEqual(t('people'));
    expect(people).toMatchObject({ common: true, key: false });
  });

  it('drops chat fillers, and does not read "im" as a paper\'s two-letter short form', () => {
    const labels = chat('im a nurse btw, which trials used chemo?').map((concept) => concept.label);
    expect(labels).not.toContain('IM');
    expect(labels).not.toContain('im');
    expect(labels).not.toContain('btw');
    expect(chat('what does IM stand for?').map((concept) => concept.label)).toContain('IM');
  });

  it('drops contractions typed without their apostrophe, which no paper writes', () => {
    const labels = chat('whats the trial, and why doesnt chemo work?').map((concept) => concept.label);
    expect(labels).toContain('trial');
    expect(labels).not.toContain('whats');
    expect(labels).not.toContain('doesnt');
  });

  it('reads chat shorthand for little words (w/o, b/c, thru, tho) as the fillers they are', () => {
    const labels = chat('did chemo work w/o HER2 tho, b/c people got it thru a trial?').map((concept) => concept.label);
    for (const filler of ['w/o', 'wo', 'b/c', 'bc', 'tho', 'thru']) expect(labels).not.toContain(filler);
    expect(labels).toContain('chemo');
  });

  it('reads a cut word as the longer word the papers use, but not an everyday word as a cut or a misspelling of another ("bread" is no "breadth", no "breed")', () => {
    const texts = ['Chemotherapy was given across the breadth of the cohort, whatever the breed.', 'The response was strong.'];
    const corpus = LexicalIndex.build(texts.map((text, seq): Chunk => ({ id: `b${seq}`, docId: 'b', docTitle: 'B', section: '', sectionPath: [], span: { start: 0, end: text.length }, kind: 'paragraph', refs: [], text, seq, block: seq })));
    const cut: TermStatistics = { ...stats, documentCount: corpus.documentCount, documentFrequency: (term) => corpus.documentFrequency(term), aliases: (term, name) => corpus.similarTerms(term, { truncations: !name }).map((similar) => [similar]) };
    const alternatives = (text: string, label: string) => conceptsOf(text, [], cut).concepts.find((concept) => concept.label === label)!.alternatives;
    expect(alternatives('how do i bake bread', 'bread')).not.toContainEqual(t('breadth'));
    expect(alternatives('how do i bake bread', 'bread')).not.toContainEqual(t('breed'));
    expect(alternatives('did the chemo help?', 'chemo')).toContainEqual(t('chemotherapy'));
    // Another form of the same everyday word is still found.
    expect(alternatives('which response was strongest?', 'strongest')).toContainEqual(t('strong'));
  });

  it('leaves question words to the question, whatever the vocabulary lists', () => {
    expect(chat('which year did chemotherapy start?').map((concept) => concept.label)).not.toContain('year');
  });
});
