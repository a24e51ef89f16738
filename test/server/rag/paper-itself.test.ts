/**
 * Questions about a paper itself in a library of several: its authors come from its byline,
 * not from an entry of its reference list, and a paper the question does not name is not guessed.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReviewIndex, type ReviewIndex } from '../../support/fixtures.ts';
import { buildIndex } from '../../../ingest/build.ts';
import { ask } from '../../../server/rag/answer.ts';
import { scoreEvidence } from '../../../server/rag/evidence.ts';
import type { Library } from '../../../server/rag/library.ts';
import { answererFor, openLibrary } from '../../../server/rag/setup.ts';
import { makeJournalPdf } from '../../support/journal-pdf.ts';
import { AUTHOR_YEAR, TWO_COLUMNS } from '../../support/journal-papers.ts';

let review: ReviewIndex;
let library: Library;

beforeAll(async () => {
  review = await buildReviewIndex();
  await writeFile(join(review.corpusDir, 'ravens.pdf'), await makeJournalPdf(AUTHOR_YEAR));
  // A contributions statement names the authors by their initials, as journals print it.
  const contributions = { heading: '4. Author contributions', paragraphs: ['AO and BL designed the survey; CW modelled the potency loss and wrote the first draft.'] };
  const funding = { heading: 'Funding', paragraphs: ['This work was funded by the Rural Immunisation Trust (grant RIT-2022-17). The funder had no role in the analysis.'] };
  await writeFile(join(review.corpusDir, 'cold-chain.pdf'), await makeJournalPdf({ ...TWO_COLUMNS, sections: [...TWO_COLUMNS.sections, contributions, funding] }));
  // Another paper uses the same initials for something else.
  await writeFile(join(review.corpusDir, 'lasers.md'), '# Continuous-wave lasers for tissue welding\n\nCorrespondence: Ann Lee (a.lee@northfield.example), Department of Surgery, Northfield University Hospital, Northfield\n\n## Methods\n\nA continuous wave (CW) laser at 980 nm welded the tissue samples. The CW output was held at 2 W.\n');
  // A paper that prints how to cite it ("Surname, I YEAR Title"), with no other date of its
  // own, and cites works whose titles name the same station, with their years.
  await writeFile(
    join(review.corpusDir, 'phoenix.md'),
    '# The Phoenix of Wexcombe Junction\n\nAllington-Jones, L 2013 The Phoenix of Wexcombe Junction. Journal of Station Studies 11: 1-21.\n\n## Introduction\n\nWexcombe Junction was rebuilt after the fire [1] and its roof was painted blue [2].\n\n## References\n\n1. Smith J. Wexcombe Junction station before the fire. Rail Hist J. 1995;3:1-9.\n2. Brown K. Wexcombe Junction rebuilt. Heritage Q. 2007;8:2-4.\n',
  );
  // A paper that prints its DOI only in a "Cite this article" box, not in its front matter.
  await writeFile(
    join(review.corpusDir, 'fibrin-glue.md'),
    '# Fibrin glue for closing skin wounds\n\n## Methods\n\nFibrin glue closed 40 skin wounds in the emergency room.\n\n## Cite this article\n\nRao P. Fibrin glue for closing skin wounds. Wound Q. 2021;4:1-9. doi:10.5555/wq.2021.004\n',
  );
  await buildIndex({ corpusDir: review.corpusDir, indexDir: review.indexDir, maxFileBytes: review.config.maxFileBytes, embedder: { kind: 'local' } });
  library = await openLibrary(review.config);
});

afterAll(async () => {
  await review?.remove();
});

const answer = (question: string) => ask(answererFor(library), question, { history: [] });

describe('questions about a paper itself', () => {
  it('names the authors of the paper the question names, cited to its byline', async () => {
    const result = await answer('Who wrote the cold-chain vaccine potency paper?');
    expect(result.abstained).toBe(false);
    expect(result.answer).toContain('Ada Okafor, Bruno Lindqvist, Chen Wei');
    expect(result.citations[0]!.kind).not.toBe('reference');
    expect(result.citations[0]!.text).toContain('Okafor');
  });

  it('does not give one paper\'s byline for a question that names another', async () => {
    const result = await answer('Who wrote the paper about ravens following gaze?');
    expect(result.answer).not.toContain('Okafor');
  });
});

describe("a paper's DOI", () => {
  it('is given with the passage that prints it, outside the front matter', async () => {
    const result = await answer('What is the DOI of the fibrin glue paper?');
    expect(result.answer).toContain('The DOI of “Fibrin glue for closing skin wounds” is 10.5555/wq.2021.004');
    expect(result.citations[0]!.section).toBe('Cite this article');
    expect(result.citations[0]!.text).toContain('10.5555/wq.2021.004');
  });
});

describe('a subject named only around the papers', () => {
  it('is declined when only a byline names it ("the capital of France" where France is an author), and the byline still answers who wrote the paper', async () => {
    const elsewhere = await answer('How cold does it get in Lindqvist in winter?');
    expect(elsewhere.abstained).toBe(true);
    const authors = await answer('Who are the authors of the cold-chain vaccine potency paper?');
    expect(authors.answer).toContain('Bruno Lindqvist');
  });
});

describe('a summary of a paper', () => {
  it('answers "summarise the review" and "the main takeaway" with the conclusion of its abstract, however the asking words are spelled', async () => {
    for (const question of ['summarise the HER2 gastric cancer review', "what's the main takeaway of the HER2 gastric cancer review?"]) {
      const result = await answer(question);
      expect(result.abstained, question).toBe(false);
      expect(result.answer, question).toMatch(/This article comprehensively summarizes/);
      expect(new Set(result.citations.map((citation) => citation.docId)), question).toEqual(new Set(['her2-gastric-cancer-review']));
    }
  });
});

describe('the line that says how to cite a paper', () => {
  it('gives the year of a paper that prints it only in its own citation line', async () => {
    const result = await answer('what year was the Wexcombe Junction paper published?');
    expect(result.answer).toMatch(/Allington-Jones, L 2013 The Phoenix/);
    expect(result.citations.map((citation) => citation.docId)).toEqual(['phoenix']);
  });
});

describe('the running head', () => {
  it('gives the journal and year a paper prints only at the top of its pages, cited to that line', async () => {
    const result = await answer('Which journal was the cold-chain vaccine potency paper published in, and what year?');
    expect(result.answer).toMatch(/Journal of Layout Tests \(2024\) 7:101/);
    expect(result.citations[0]!.section).toBe('Running head');
  });
});

describe('initials', () => {
  it('names the author a contributions statement means by initials, from that paper\'s byline', async () => {
    const result = await answer('Who is CW in the cold-chain vaccine potency paper?');
    expect(result.answer).toMatch(/^CW is Chen Wei, an author of the paper \[1\]\.$/);
    expect(result.citations[0]!.text).toContain('Chen Wei');
  });

  it('expands the same short form as the paper asked about defines it', async () => {
    const result = await answer('What does CW stand for in the tissue welding lasers paper?');
    expect(result.answer).toMatch(/^CW stands for continuous wave \[1\]\.$/);
  });

  it('answers who funded a study from its funding statement, not from the passages retrieval ranks first', async () => {
    const result = await answer('Who paid for the vaccine cold-chain study?');
    expect(result.answer).toContain('Rural Immunisation Trust');
    expect(result.citations[0]!.section).toBe('Funding');
  });

  it('does not give a paper\'s funder for a study it only names', async () => {
    const result = await answer('Who funded the KEYNOTE-811 trial?');
    expect(result.answer).not.toContain('Rural Immunisation Trust');
  });

  it('answers where the authors work from the affiliation under the title', async () => {
    const result = await answer('Where do the authors of the tissue welding paper work?');
    expect(result.answer).toContain('Northfield University Hospital');
  });
});

describe('questions about the work a claim cites', () => {
  it('names the entry the claim cites, with its journal', async () => {
    const result = await answer('Which paper did they cite for modelling the vaccine potency loss as a first-order decay?');
    expect(result.answer).toContain('J Pharm Sci');
    expect(result.answer).not.toContain('Cold chains in rural health systems');
    expect(result.citations.some((citation) => citation.kind === 'reference')).toBe(true);
  });
});

describe('a name the question gives', () => {
  it('rules out the sentences of a paper that never uses it, though retrieval brings them', async () => {
    // Passages of both papers, as a mixed library's retrieval may return them.
    const passages = [
      ...(await library.retriever.retrieve(library.analyze('How many rural clinics were followed?', []))),
      ...(await library.retriever.retrieve(library.analyze('What did the ToGA trial show?', []))),
    ];
    expect(passages.some((passage) => passage.chunk.docId === 'cold-chain')).toBe(true);
    const question = library.analyze('How many rural clinics did the ToGA trial follow?', []);
    const evidence = scoreEvidence(question, passages, library);
    expect(evidence.length).toBeGreaterThan(0);
    expect(evidence.filter((item) => item.chunk.docId === 'cold-chain')).toEqual([]);
  });
});
