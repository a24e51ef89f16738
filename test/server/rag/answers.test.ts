/**
 * Offline (extractive) answers on the real review index: short, cited exactly, and declined
 * when the papers do not hold the answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer, ChatTurn } from '../../../lib/types.ts';
import { ask } from '../../../server/rag/answer.ts';
import type { Library } from '../../../server/rag/library.ts';
import { answererFor, openLibrary } from '../../../server/rag/setup.ts';
import { buildReviewIndex, type ReviewIndex } from '../../support/fixtures.ts';

let review: ReviewIndex;
let library: Library;

beforeAll(async () => {
  review = await buildReviewIndex();
  library = await openLibrary(review.config);
});

afterAll(async () => {
  await review?.remove();
});

const answer = (question: string, history: ChatTurn[] = []) => ask(answererFor(library), question, { history });

/** Every [n] in the text is a citation, every citation is used, and each cited passage holds `fact`. */
function expectCited(result: Answer, facts: string[]): void {
  expect(result.abstained).toBe(false);
  expect(result.mode).toBe('extractive');
  expect(result.answer.length).toBeLessThanOrEqual(600);
  const markers = [...result.answer.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]));
  expect(new Set(markers)).toEqual(new Set(result.citations.map((citation) => citation.n)));
  for (const fact of facts) {
    expect(result.answer).toContain(fact);
    const sentence = result.answer.split(/(?<=\]\.)\s+/).find((part) => part.includes(fact))!;
    const cited = [...sentence.matchAll(/\[(\d+)\]/g)].map((match) => result.citations.find((citation) => citation.n === Number(match[1]))!);
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.some((citation) => citation.text.replace(/\s+/g, ' ').includes(fact) || citation.kind === 'reference')).toBe(true);
  }
  for (const citation of result.citations) expect(library.index.chunkById.get(citation.passageId)?.text).toBe(citation.text);
}

describe('answers from the body text', () => {
  it('gives the numbers with their citation and the paper\'s own reference', async () => {
    const result = await answer('How much did T-DXd improve overall survival compared with chemotherapy?');
    expectCited(result, ['12.5 months vs 8.4 months']);
    expect(result.citations.flatMap((citation) => citation.refs)).toContain(75);
    expect(result.references).toContainEqual(expect.objectContaining({ n: 75, doi: '10.1056/NEJMoa2004413' }));
  });

  it('answers where a gene is located', async () => {
    expectCited(await answer('On which chromosome is the PIK3CA gene located?'), ['3q26.3']);
  });
});

describe('answers from tables', () => {
  it('renders the table row as a sentence', async () => {
    const result = await answer('What median PFS did the JACOB trial report?');
    expect(result.answer).toMatch(/^In Table 1, JACOB/);
    expectCited(result, ['8.5 vs. 7.2 months']);
    expect(result.citations[0]!.kind).toBe('table-row');
  });

  it('answers a Table 2 question with the asked columns', async () => {
    const result = await answer('What is the payload of the ADC MRG002?');
    expectCited(result, ['MMAE']);
  });

  it('adds the other columns of the row after the asked one while the row stays short', async () => {
    // A header may name the asked value in other words ("lnL" for "log likelihood").
    const result = await answer('What is the payload of the ADC MRG002?');
    expect(result.answer.indexOf('payload MMAE')).toBeGreaterThan(0);
    expect(result.answer.indexOf('DAR 3.8')).toBeGreaterThan(result.answer.indexOf('payload MMAE'));
  });

  it('lists every row of a table the question asks about, each row cited', async () => {
    const result = await answer('Which ADCs are in Table 2?');
    const rows = library.index.chunks.filter((chunk) => chunk.kind === 'table-row' && chunk.table?.label === 'Table 2');
    expect(rows.length).toBeGreaterThan(4);
    expect(result.citations.map((citation) => citation.passageId).sort()).toEqual(rows.map((row) => row.id).sort());
    expect(result.answer).toMatch(/^Table 2 lists Trastuzumab Emtansine/);
    expect(result.answer).toMatch(/; and PF-06804103 \[\d+\]\.$/);
  });

  it('names a followed-up row by the trial of the earlier turn, not by its drug class', async () => {
    const result = await answer('And its median PFS?', [{ role: 'user', content: 'What did the TOGA trial show?' }]);
    expect(result.answer).toMatch(/^In Table 1, TOGA: /);
    expectCited(result, ['6.7 vs. 5.5 months']);
  });
});

describe('follow-ups', () => {
  it('asks a fragment follow-up for the kind of answer the previous question asked for', () => {
    const history = [{ role: 'user' as const, content: 'What median PFS did the TOGA trial report?' }];
    expect(library.analyze('and for the JACOB trial?', history).expected).toBe('duration');
    expect(library.analyze('And what did JACOB conclude?', history).expected).not.toBe('duration');
    expect(library.analyze('what were the survival numbers in months?').expected).toBe('duration');
  });
});

describe('answers about the paper itself', () => {
  it('gives the paper\'s own DOI and year from its front matter, not a cited paper\'s', async () => {
    const doi = await answer('What is the DOI of this review?');
    expect(doi.answer).toContain('10.3389/fimmu.2025.1560280');
    expect(doi.citations[0]!.text).toContain('10.3389/fimmu.2025.1560280');
    expect(doi.citations[0]!.kind).not.toBe('reference');
    const year = await answer('When was this review published?');
    expect(year.answer).toContain('2025');
    expect(year.citations[0]!.text).toContain('2025');
    expect(year.citations[0]!.kind).not.toBe('reference');
  });

  it('still answers from the reference list for a study the paper cites', async () => {
    const result = await answer('Which journal published the KEYNOTE-811 study?');
    expect(result.citations.some((citation) => citation.kind === 'reference')).toBe(true);
    expect(result.answer).not.toContain('10.3389/fimmu.2025.1560280');
  });
});

describe('answers from the reference list', () => {
  it('reaches a trial named only in a reference title and gives journal, year and DOI', async () => {
    const result = await answer('Which journal published the KEYNOTE-811 trial?');
    expectCited(result, ['Nature']);
    expect(result.answer).toMatch(/2021/);
    expect(result.answer).toContain('10.1038/s41586-021-04161-3');
  });

  it('names the reference behind a claim in the text', async () => {
    const result = await answer('Which trial is cited for pertuzumab prolonging PFS in HER2-positive breast cancer?');
    expect(result.answer).toMatch(/CLEOPATRA/);
    expect(result.citations.flatMap((citation) => citation.refs)).toContain(36);
  });
});

describe('abbreviations', () => {
  it('expands a short form from the glossary and cites where it is defined', async () => {
    const result = await answer('What does T-DXd stand for?');
    expect(result.answer).toMatch(/^T-DXd stands for trastuzumab deruxtecan \[1\]\.$/i);
    expect(result.citations[0]!.text).toMatch(/Trastuzumab Deruxtecan \(T-DXd\)/);
  });

  it('expands a short form asked as "X = ?", from a passage that writes it beside its words', async () => {
    const result = await answer('the review keeps saying MHC. MHC = ?');
    expect(result.answer).toMatch(/^MHCs? stands for major histocompatibility complex(es)? \[1\]\.$/i);
    expect(result.citations[0]!.text).toMatch(/major histocompatibility complex/i);
  });

  it('does not answer with another abbreviation than the one asked about', async () => {
    const result = await answer('What is QZX short for in the T-DXd trials?');
    expect(result.answer).not.toMatch(/stands for/);
  });

  it('finds a code from its long form', async () => {
    const result = await answer('What is zanidatamab also called in the paper?');
    expect(result.abstained).toBe(false);
    expect(result.answer).toMatch(/ZW25/);
  });
});

describe('follow-ups', () => {
  it('carries the subject of the previous turn', async () => {
    const result = await answer('And its median PFS?', [
      { role: 'user', content: 'What did the TOGA trial show?' },
      { role: 'assistant', content: 'Trastuzumab with chemotherapy improved overall survival [1].' },
    ]);
    expectCited(result, ['6.7 vs. 5.5 months']);
    expect(result.answer).toMatch(/TOGA/);
  });
});

describe('stability', () => {
  const unrelated: ChatTurn[] = [
    { role: 'user', content: 'What does HER2 stand for?' },
    { role: 'assistant', content: 'HER2 stands for human epidermal growth factor receptor 2 [1].' },
    { role: 'user', content: 'What did the TOGA trial show?' },
    { role: 'assistant', content: 'Trastuzumab with chemotherapy improved overall survival [1].' },
  ];
  it.each(['Which ADCs are in Table 2?', 'What is the payload of the ADC MRG002?', 'Which journal published the KEYNOTE-811 trial?', 'What are the side effects of CAR-T cell therapy?'])(
    'gives the same answer whatever unrelated turns came before: %s',
    async (question) => {
      const alone = await answer(question);
      const after = await answer(question, unrelated);
      expect(after.answer).toBe(alone.answer);
    },
  );
});

describe('declining', () => {
  it.each([
    'What dose of trastuzumab deruxtecan in mg/kg was given in DESTINY-Gastric01?',
    'How much does a course of T-DM1 cost?',
    'What did the DESTINY-Gastric04 trial find?',
    'What were the results of the DESTINY-Gastric04 trial?',
    'What median overall survival did zolbetuximab achieve?',
  ])('declines an on-topic question the paper does not answer: %s', async (question) => {
    const result = await answer(question);
    expect(result.abstained).toBe(true);
    expect(result.answer).toMatch(/^The indexed papers don't (?:say|mention|give|answer that about) /);
    expect(result.citations).toEqual([]);
  });

  it('words a decline as English, naming the subject, never as the question with its word order', async () => {
    for (const question of ['What did the DESTINY-Gastric04 trial find?', 'What median overall survival did zolbetuximab achieve?']) {
      const result = await answer(question);
      expect(result.abstained).toBe(true);
      expect(result.answer).not.toMatch(/don't say (?:what did|whether is|whether did)/i);
      expect(result.answer).toMatch(/DESTINY-Gastric04|zolbetuximab/i);
    }
  });

  it('does not answer for a trial with a results sentence about its sibling', async () => {
    const result = await answer('What were the results of the DESTINY-Gastric04 trial?');
    expect(result.answer).not.toContain('DESTINY-Gastric01');
    expect((await answer('What were the results of the DESTINY-Gastric01 trial?')).answer).toContain('12.5');
  });

  it.each(['What is the capital of France?', 'How do I bake sourdough bread?', 'Who won the 2018 FIFA World Cup?'])('declines an off-topic question: %s', async (question) => {
    const result = await answer(question);
    expect(result.abstained).toBe(true);
  });
});
