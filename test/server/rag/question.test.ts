/**
 * A question read with the conversation before it: what a follow-up carries over.
 */
import { describe, expect, it } from 'vitest';
import { LexicalIndex } from '../../../lib/lexical.ts';
import { BUILT_IN_VOCABULARY, Vocabulary } from '../../../lib/lexicon/vocabulary.ts';
import type { ChatTurn, Chunk } from '../../../lib/types.ts';
import type { TermStatistics } from '../../../server/rag/concepts.ts';
import { analyzeQuestion } from '../../../server/rag/question.ts';

const chunks = [
  'ZW25 is a bispecific antibody against HER2 that was tested in the HERIZON trial.',
  'The HERIZON trial gave ZW25 every two weeks with chemotherapy.',
  'Trastuzumab is given every three weeks.',
  // Other passages, so that the names above are rare in the corpus, as names are.
  ...Array.from({ length: 12 }, (_, i) => `Gastric cancer patients in cohort ${i} received chemotherapy and were followed for survival.`),
].map((text, seq): Chunk => ({ id: `c${seq}`, docId: 'p', docTitle: 'P', section: '', sectionPath: [], span: { start: 0, end: text.length }, kind: 'paragraph', refs: [], text, seq, block: seq }));
const lexical = LexicalIndex.build(chunks);
const statistics: TermStatistics = {
  documentCount: lexical.documentCount,
  documentFrequency: (term) => lexical.documentFrequency(term),
  aliases: () => [],
  related: () => [],
  vocabulary: Vocabulary.load([BUILT_IN_VOCABULARY]),
};
const carried = (question: string, history: ChatTurn[]) =>
  analyzeQuestion(question, history, [], statistics).concepts.filter((concept) => concept.carried).map((concept) => concept.surface);

describe('a follow-up', () => {
  it('carries the subject of the question before it, and the names its answer gave', () => {
    const history: ChatTurn[] = [
      { role: 'user', content: 'What is ZW25?' },
      { role: 'assistant', content: 'ZW25 is a bispecific antibody tested in the HERIZON trial [1].' },
    ];
    expect(carried('and how often is it given?', history)).toEqual(expect.arrayContaining(['ZW25', 'HERIZON']));
  });

  it('after a follow-up that named nothing of its own, carries the conversation\'s subject, not the names that follow-up\'s answer gave', () => {
    const history: ChatTurn[] = [
      { role: 'user', content: 'What is ZW25?' },
      { role: 'assistant', content: 'ZW25 is a bispecific antibody [1].' },
      { role: 'user', content: 'how often is it given?' },
      { role: 'assistant', content: 'The HERIZON trial gave it every two weeks with chemotherapy [1].' },
    ];
    const subject = carried('and what does it target?', history);
    expect(subject).toContain('ZW25');
    expect(subject).not.toContain('HERIZON');
  });
});
