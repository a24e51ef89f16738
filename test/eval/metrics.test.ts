/**
 * The evaluation's own rules, on real inputs: the fact matcher, the citation support rule, the
 * percentile, the retrieval evidence matcher, scoring and the question-set loader.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerSentences, claimOf, scoreCitations, supports } from '../../eval/citation-support.ts';
import { checkFacts, containsPhrase, normalizeForFacts, proseLength } from '../../eval/facts.ts';
import { scoreQuestion, summarize } from '../../eval/metrics.ts';
import { QuestionSetError, loadQuestions, parseQuestions, type EvalQuestion } from '../../eval/questions.ts';
import { evidenceRank, holdsEvidence } from '../../eval/retrieval.ts';
import { histogram, mean, percentile } from '../../eval/stats.ts';
import type { Answer, Citation } from '../../lib/types.ts';
import { REPO } from '../support/fixtures.ts';

const has = (text: string, fact: string) => containsPhrase(normalizeForFacts(text), normalizeForFacts(fact));

describe('fact matcher', () => {
  it('ignores case, dash variants and whitespace runs', () => {
    expect(has('Approximately 10–20% of GC patients', '10-20')).toBe(true);
    expect(has('approximately 10 - 20 % of patients', '10-20')).toBe(true);
    expect(has('cannot cross the Blood-Brain\n  Barrier', 'blood-brain barrier')).toBe(true);
    expect(has('the HER2−HER3 heterodimer', 'HER2-HER3')).toBe(true);
    expect(has('the HER2 HER3 heterodimer', 'HER2-HER3')).toBe(false);
  });

  it('does not find a number inside another number', () => {
    expect(has('located on chromosome 17 (9)', '17')).toBe(true);
    expect(has('in 117 patients', '17')).toBe(false);
    expect(has('approved in 2017', '17')).toBe(false);
    expect(has('a DAR of 8.4', '8')).toBe(false);
    expect(has('a DAR of 8, versus 3.5', '8')).toBe(true);
    expect(has('mOS 10.5 months', '5')).toBe(false);
    expect(has('mOS 10.5 months', '0.5')).toBe(false);
    expect(has('an ORR of 42.0% and CRR 5%', '42.0')).toBe(true);
    expect(has('ended in 2.05 months', '2.0')).toBe(false);
  });

  it('does not find a word inside another word, but allows plain inflections', () => {
    expect(has('MET amplification', 'MET')).toBe(true);
    expect(has('in metastatic disease', 'MET')).toBe(false);
    expect(has('loss of target antigens', 'antigen')).toBe(true);
    expect(has('patients should be re-tested', 'test')).toBe(true);
    expect(has('did not significantly improve OS', 'significant')).toBe(true);
    expect(has('an insignificant change', 'significant')).toBe(false);
    expect(has('IHC2+ samples', '2+')).toBe(false);
    expect(has('IHC2+ samples', 'IHC2+')).toBe(true);
  });

  it('checks every fact, any alternative satisfying it, and ignores citation markers', () => {
    const checks = checkFacts('Hertzuzumab coupled to MMAE [1]. It was approved in 2021 [17].', [['Hertuzumab', 'Hertzuzumab'], ['monomethyl auristatin E', 'MMAE'], ['17']]);
    expect(checks.map((check) => check.found)).toEqual(['Hertzuzumab', 'MMAE', undefined]);
  });

  it('measures length as prose, without markers', () => {
    expect(proseLength('Trastuzumab binds domain IV [1][2]. It is approved [3].')).toBe('Trastuzumab binds domain IV. It is approved.'.length);
  });
});

describe('citation support rule', () => {
  const passage =
    'The GATSBY trial, which assessed the efficacy of T-DM1 in patients with HER2-positive GC, reported a median overall survival of 11.8 months in the T-DM1 group compared to 10.0 months in the paclitaxel chemotherapy group.';

  it('supports a faithful paraphrase with the same numbers', () => {
    const sentence = 'In GATSBY, median overall survival was 11.8 months with T-DM1 versus 10 months with paclitaxel [1].';
    expect(supports(claimOf(sentence), [claimOf(passage, { markers: 'keep' })])).toBe(true);
  });

  it('rejects a sentence whose number is not in the passage', () => {
    const sentence = 'In GATSBY, median overall survival was 12.8 months with T-DM1 versus 10.0 months with paclitaxel [1].';
    expect(supports(claimOf(sentence), [claimOf(passage, { markers: 'keep' })])).toBe(false);
  });

  it('rejects a sentence with too few of its content words in the passage', () => {
    // Numbers match, but the words are about something else.
    const sentence = 'Pembrolizumab doubled hepatic toxicity, 11.8 months earlier than nivolumab [1].';
    expect(supports(claimOf(sentence), [claimOf(passage, { markers: 'keep' })])).toBe(false);
  });

  it('counts 60% of content words as enough', () => {
    const claim = claimOf('GATSBY trial DM1 cures magically');
    expect(claim.words).toEqual(['gatsbi', 'trial', 'dm1', 'cure', 'magic']);
    expect(supports(claim, [claimOf(passage)])).toBe(true); // 3 of 5
    expect(supports(claimOf('GATSBY trial cures magically'), [claimOf(passage)])).toBe(false); // 2 of 4
  });

  it('folds British spellings, so a paraphrase in either spelling meets the paper', () => {
    expect(claimOf('The tumour was randomised').words).toEqual(claimOf('the tumor was randomized').words);
  });

  it('reads HER-2 and HER2 as one code, not as the number 2', () => {
    expect(claimOf('HER-2 overexpression').numbers).toEqual([]);
    expect(supports(claimOf('HER-2 overexpression occurs [1].'), [claimOf('HER2 is overexpressed; overexpression occurs often')])).toBe(true);
  });

  it('splits answers into sentences, keeping abbreviations and markers after the full stop with their sentence', () => {
    const sentences = answerSentences('Bang et al. reported 13.8 vs. 11.1 months [1]. T-DXd has a DAR of 8. [2] Yes.\n\nNew paragraph [3].');
    expect(sentences).toEqual([
      { text: 'Bang et al. reported 13.8 vs. 11.1 months [1].', cites: [1], paragraph: 0 },
      { text: 'T-DXd has a DAR of 8. [2]', cites: [2], paragraph: 0 },
      { text: 'Yes.', cites: [], paragraph: 0 },
      { text: 'New paragraph [3].', cites: [3], paragraph: 1 },
    ]);
  });

  it('scores recall and precision like ALCE: irrelevant citations lower precision, unsupported sentences lower recall', () => {
    const passages: Record<number, string> = {
      1: 'T-DM1 is composed of trastuzumab and the tubulin inhibitor DM1, with a drug-antibody ratio (DAR) of 3.5 (65).',
      2: 'In contrast to T-DM1, T-DXd has DAR of 8, a membrane-permeable payload and a cleavable linker.',
      3: 'Gastric cancer ranks fifth in incidence worldwide.',
    };
    const answer = 'T-DM1 carries DM1 at a drug-antibody ratio of 3.5 [1][3]. T-DXd has a DAR of 8 [2]. T-DXd cures every patient [2].';
    const score = scoreCitations(answer, (n) => passages[n]);
    expect(score.sentences.map((sentence) => sentence.supported)).toEqual([true, true, false]);
    expect(score.recall).toBeCloseTo(2 / 3);
    // [1] supports alone; [3] neither supports nor is needed; [2] supports sentence 2, not 3.
    expect(score.precision).toBeCloseTo(2 / 4);
  });

  it('counts a citation that completes a joint support as precise', () => {
    const passages: Record<number, string> = {
      1: 'The ORR of RC48 plus toripalimab was 43%.',
      2: 'RC48 alone achieved an ORR of 24.8%.',
    };
    const score = scoreCitations('The ORR of RC48 was 43% with toripalimab and 24.8% alone [1][2].', (n) => passages[n]);
    expect(score.recall).toBe(1);
    expect(score.precision).toBe(1);
  });

  it('checks an uncited sentence against the next citation of its paragraph, and a marker without a citation supports nothing', () => {
    const entry = '[33] Janjigian YY, Kawazoe A. The KEYNOTE-811 trial of dual PD-1 and HER2 blockade in HER2-positive gastric cancer. Nature. (2021) 600:727–30.';
    const score = scoreCitations('Reference 33: Janjigian YY, et al. The KEYNOTE-811 trial of dual PD-1 and HER2 blockade. Nature (2021) [1]. It was groundbreaking [9].', (n) =>
      n === 1 ? entry : undefined,
    );
    expect(score.sentences.map((sentence) => [sentence.supported, sentence.inherited])).toEqual([
      [true, true],
      [true, false],
      [false, false],
    ]);
    expect(score.precision).toBe(1 / 2);
  });
});

describe('percentile and friends', () => {
  it('interpolates between closest ranks', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([10], 95)).toBe(10);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 95)).toBeCloseTo(95.05);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile(hundred, 100)).toBe(100);
  });

  it('has no value for no data and refuses impossible percentiles', () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(mean([])).toBeUndefined();
    expect(() => percentile([1], 101)).toThrow(/0\.\.100/);
    expect(() => percentile([1], Number.NaN)).toThrow();
  });

  it('bins every value into a histogram', () => {
    const bins = histogram([1, 2, 2, 3, 10], 3);
    expect(bins.map((bin) => bin.count)).toEqual([4, 0, 1]);
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(5);
    expect(histogram([5, 5], 4).map((bin) => bin.count)).toEqual([2, 0, 0, 0]);
  });
});

describe('retrieval evidence', () => {
  const row = {
    text: 'Table 2. Agents: ARX-788; Target: HER-2; Antibody: Anti-HER2 mAb(ARX269); Payload: MMAF; Linker: Non-cleavable linker conjugation; DAR: 1.9',
    table: { label: 'Table 2', caption: 'ADCs', header: ['Agents', 'Target', 'Antibody', 'Payload', 'Linker', 'DAR'], cells: ['ARX-788', 'HER-2', 'Anti-HER2 mAb(ARX269)', 'MMAF', 'Non-cleavable linker conjugation', '1.9'] },
  };

  it('finds a tab-separated table quote in the row cells', () => {
    expect(holdsEvidence(row, 'ARX-788\tHER-2\tAnti-HER2 mAb(ARX269)\tMMAF')).toBe(true);
    expect(holdsEvidence({ text: row.text }, 'ARX-788\tHER-2\tAnti-HER2 mAb(ARX269)\tMMAF')).toBe(false);
  });

  it('ignores extraction repairs and finds a quote cut by a chunk boundary by its start', () => {
    const quote = 'HER2, encoded by ErbB2 gene located on human chromosome17 (9), is a member of the epidermal growth factor receptor family';
    expect(holdsEvidence({ text: 'Indeed HER2, encoded by ErbB2 gene located on human chromosome 17 (9), is a member of the epidermal' }, quote)).toBe(true);
    expect(holdsEvidence({ text: 'HER3 is a member of the epidermal growth factor receptor family' }, quote)).toBe(false);
  });

  it('ranks the first holder', () => {
    expect(evidenceRank([{ text: 'nothing' }, row, row], 'MMAF Non-cleavable')).toBe(2);
    expect(evidenceRank([{ text: 'nothing' }], 'MMAF')).toBeUndefined();
  });
});

const question = (fields: Partial<EvalQuestion>): EvalQuestion => ({
  id: 'q1',
  category: 'body',
  question: 'Which gene encodes HER2, and on which chromosome?',
  answerable: true,
  facts: [['ErbB2'], ['17']],
  refs: [9],
  section: '2',
  evidence: 'encoded by ErbB2 gene located on human chromosome17',
  source: 'test:1',
  ...fields,
});

const citation = (n: number, text: string, refs: number[] = []): Citation => ({ n, passageId: `p${n}`, docId: 'd', docTitle: 'D', section: '2', kind: 'paragraph', text, refs });
const answer = (text: string, fields: Partial<Answer> = {}): Answer => ({ answer: text, abstained: false, mode: 'extractive', citations: [], references: [], timings: { retrieveMs: 1, answerMs: 1 }, ...fields });

describe('scoring one question', () => {
  const passage = 'HER2, encoded by ErbB2 gene located on human chromosome 17 (9), is a transmembrane receptor.';

  it('is correct with every fact, concise and cited; scores citations and gold references', () => {
    const result = scoreQuestion(question({}), {
      answer: answer('HER2 is encoded by the ErbB2 gene on chromosome 17 [1].', { citations: [citation(1, passage, [9])] }),
      latencyMs: 12.34,
      passages: [{ text: 'other' }, { text: passage }],
    });
    expect(result).toMatchObject({ correct: true, factShare: 1, problems: [], citationRecall: 1, citationPrecision: 1, goldReferences: { recall: 1 }, latencyMs: 12.3 });
    expect(result.retrieval).toMatchObject({ rank: 2, recallAt: { '1': 0, '5': 1, '10': 1 }, reciprocalRank: 0.5 });
  });

  it('gives partial credit to an over-long answer but does not count it correct', () => {
    const long = `HER2 is encoded by ErbB2 [1]. ${'It matters a great deal. '.repeat(30)}`;
    const result = scoreQuestion(question({}), { answer: answer(long, { citations: [citation(1, passage)] }), latencyMs: 1 });
    expect(result.correct).toBe(false);
    expect(result.factShare).toBe(0.5);
    expect(result.problems).toEqual(['missing "17"', `too long: ${result.length} > 600 characters`]);
  });

  it('allows 1000 characters for list and comparison questions', () => {
    const text = `ErbB2 on chromosome 17 [1]. ${'x'.repeat(700)}`;
    expect(scoreQuestion(question({ category: 'list' }), { answer: answer(text), latencyMs: 1 }).correct).toBe(true);
    expect(scoreQuestion(question({ category: 'body' }), { answer: answer(text), latencyMs: 1 }).correct).toBe(false);
  });

  it('gives nothing for a declined answerable question, and credit for declining an unanswerable one', () => {
    const declined = answer("The indexed papers don't say which gene encodes HER2.", { abstained: true });
    expect(scoreQuestion(question({}), { answer: declined, latencyMs: 1 })).toMatchObject({ correct: false, factShare: 0, goldReferences: { recall: 0 }, problems: ['declined an answerable question'] });
    const unanswerable = question({ category: 'unanswerable', answerable: false, facts: [], refs: [], evidence: '' });
    expect(scoreQuestion(unanswerable, { answer: declined, latencyMs: 1 }).correct).toBe(true);
    expect(scoreQuestion(unanswerable, { answer: answer('HER2 is ErbB2 [1].'), latencyMs: 1 }).problems).toEqual(['answered instead of declining']);
  });

  it('summarises by category, with n/a where nothing qualifies', () => {
    const declined = answer('No.', { abstained: true });
    const results = [
      scoreQuestion(question({ id: 'a' }), { answer: answer('ErbB2, chromosome 17 [1].', { citations: [citation(1, passage)] }), latencyMs: 10 }),
      scoreQuestion(question({ id: 'b' }), { answer: declined, latencyMs: 30 }),
      scoreQuestion(question({ id: 'c', category: 'offtopic', answerable: false, facts: [], refs: [], evidence: '' }), { answer: declined, latencyMs: 20 }),
    ];
    const summary = summarize(results);
    expect(summary.overall).toMatchObject({ questions: 3, passed: 2, answerAccuracy: 0.5, falseDeclineRate: 0.5, abstentionCorrectRate: 1, latencyMs: { p50: 20, mean: 20 } });
    expect(summary.byCategory.offtopic?.answerAccuracy).toBeUndefined();
    expect(summary.byCategory.body?.abstentionCorrectRate).toBeUndefined();
    expect(summary.byPaper).toBeUndefined();
  });

  it('summarises by paper when the questions name theirs, with recall@6 of the evidence', () => {
    const retrieved = (rank: number) => [...Array.from({ length: rank - 1 }, () => 'unrelated text'), passage].map((text) => ({ text }));
    const results = [
      scoreQuestion(question({ id: 'a', doc: 'one' }), { answer: answer('ErbB2, chromosome 17 [1].', { citations: [citation(1, passage)] }), latencyMs: 1, passages: retrieved(6) }),
      scoreQuestion(question({ id: 'b', doc: 'two' }), { answer: answer('No.', { abstained: true }), latencyMs: 1, passages: retrieved(7) }),
    ];
    const summary = summarize(results);
    expect(Object.keys(summary.byPaper ?? {})).toEqual(['one', 'two']);
    expect(summary.byPaper?.one?.retrieval?.recallAt6).toBe(1);
    expect(summary.byPaper?.two?.retrieval?.recallAt6).toBe(0);
    expect(summary.byPaper?.two?.falseDeclineRate).toBe(1);
  });
});

describe('question-set loader', () => {
  const good = JSON.stringify({ id: 'q1', category: 'body', question: 'Q?', answerable: true, facts: [['a']], refs: [1], section: 's', evidence: 'e' });
  const line = (fields: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(good), ...fields });
  const failure = (text: string) => {
    try {
      parseQuestions(text, 'set.jsonl');
    } catch (error) {
      expect(error).toBeInstanceOf(QuestionSetError);
      return (error as Error).message;
    }
    throw new Error('expected the set to be refused');
  };

  it('skips blank lines and // comments, and keeps where each question came from', () => {
    const questions = parseQuestions(`// a comment\n\n${good}\n   \n${line({ id: 'q2' })}\n`, 'set.jsonl');
    expect(questions.map((q) => [q.id, q.source])).toEqual([
      ['q1', 'set.jsonl:3'],
      ['q2', 'set.jsonl:5'],
    ]);
  });

  it('names the file and line of a bad line in one line', () => {
    expect(failure(`${good}\n// fine\n{"id": "q2",`)).toMatch(/^eval: set\.jsonl:3: not valid JSON \(.+\)$/);
    expect(failure(`${good}\n${line({ id: 'q2', category: 'trivia' })}`)).toBe(
      'eval: set.jsonl:2: category: must be one of body, table, reference, abbreviation, paraphrase, comparison, list, followup, unanswerable, offtopic',
    );
    expect(failure(line({ facts: 'a' }))).toBe('eval: set.jsonl:1: facts: must be a list of lists of strings');
    expect(failure(line({ facts: [['a'], []] }))).toBe('eval: set.jsonl:1: facts.1: needs at least one alternative');
    expect(failure(line({ facts: [['a', ' ']] }))).toBe('eval: set.jsonl:1: facts.0.1: is empty');
    expect(failure(line({ refs: [3, 0] }))).toBe('eval: set.jsonl:1: refs.1: must be positive');
    expect(failure(line({ fact: [['a']] }))).toBe('eval: set.jsonl:1: unknown field "fact"');
    expect(failure(JSON.stringify({ id: 'q1', category: 'body', answerable: true, facts: [['a']], refs: [], section: '', evidence: '' }))).toBe('eval: set.jsonl:1: question: is missing');
    expect(failure(line({ question: 42 }))).toBe('eval: set.jsonl:1: question: must be a string');
    expect(failure(line({ history: [{ role: 'bot', content: 'hi' }] }))).toBe('eval: set.jsonl:1: history.0.role: must be "user" or "assistant"');
    expect(failure(`${good}\n${good}`)).toBe('eval: set.jsonl:2: duplicate id "q1" (first at set.jsonl:1)');
    expect(failure('// nothing\n')).toBe('eval: set.jsonl: no questions (only blank lines or comments)');
  });

  it('checks rules between fields', () => {
    expect(failure(line({ facts: [] }))).toBe('eval: set.jsonl:1: an answerable question needs at least one fact');
    expect(failure(line({ answerable: false }))).toBe('eval: set.jsonl:1: a question with "answerable": false must have no facts');
    expect(failure(line({ category: 'offtopic', facts: [] }))).toBe('eval: set.jsonl:1: a question in category "offtopic" must have "answerable": false');
  });

  it('reports a missing file', async () => {
    await expect(loadQuestions(join(REPO, 'eval', 'no-such-set.jsonl'))).rejects.toThrow(/^eval: cannot read .*no-such-set\.jsonl: ENOENT$/);
  });

  it('accepts the shipped question sets', async () => {
    expect((await loadQuestions(join(REPO, 'eval', 'questions.jsonl'))).length).toBeGreaterThanOrEqual(100);
    expect((await loadQuestions(join(REPO, 'eval', 'holdout.jsonl'))).length).toBeGreaterThan(0);
  });
});
