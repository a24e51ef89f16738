/**
 * Markdown papers: headings, pipe tables, emphasis, and a numbered reference list.
 */
import { describe, expect, it } from 'vitest';
import { parsePaper } from '../../ingest/parse/paper.ts';

const MARKDOWN = `# Bispecific antibodies in gastric cancer

## 1 Background

Zanidatamab (ZW25) binds *two* HER2 domains at once (1). It was tested with chemotherapy
across several cohorts, and the objective response rate reached 79% in one of them (1, 2).

## 2 Results

Table 1: Response by cohort.

| Cohort | Patients | ORR |
|---|---|---|
| First line | 46 | 79% |
| Later line | 33 | 38% |

The responses lasted a median of 20.4 months [2].

## References

1. Meric-Bernstam F, Beeram M, Hamilton E. Zanidatamab, a novel bispecific antibody. *Lancet Oncol.* (2022) 23:1558–70. doi: 10.1016/S1470-2045(22)00621-0
2. Elimova E, Ajani JA. Zanidatamab plus chemotherapy as first-line treatment. *J Clin Oncol.* (2023) 41:347. doi: 10.1200/JCO.2023.41.4_suppl.347
`;

describe('a Markdown paper', () => {
  const paper = parsePaper({ format: 'markdown', text: MARKDOWN }, { docId: 'zw25', source: 'zw25.md', chunking: { maxChars: 700 } });

  it('takes its title from the first heading and sections from the others', () => {
    expect(paper.title).toBe('Bispecific antibodies in gastric cancer');
    const sections = paper.chunks.filter((chunk) => chunk.kind === 'paragraph').map((chunk) => chunk.section);
    // The title is a front-matter passage of its own: users name papers by it.
    expect(sections).toEqual(['Front matter', '1 Background', '2 Results']);
    expect(paper.chunks[0]!.text).toBe(paper.title);
  });

  it('reads pipe tables as rows with their header and caption', () => {
    const rows = paper.chunks.filter((chunk) => chunk.kind === 'table-row');
    expect(rows.map((row) => row.text)).toEqual(['Table 1. Cohort: First line; Patients: 46; ORR: 79%.', 'Table 1. Cohort: Later line; Patients: 33; ORR: 38%.']);
    expect(rows[0]!.table!.caption).toBe('Response by cohort.');
  });

  it('gives a row label whose column has no heading as the label alone', () => {
    const table = parsePaper({ format: 'markdown', text: '# T\n\nTable 2: Features.\n\n|  | MC | WMDC |\n|---|---|---|\n| T4 | 26 | 67 |\n' }, { docId: 't', source: 't.md', chunking: { maxChars: 700 } });
    expect(table.chunks.find((chunk) => chunk.kind === 'table-row')!.text).toBe('Table 2. T4; MC: 26; WMDC: 67.');
  });

  it('parses the numbered references and both citation styles', () => {
    expect(paper.references.map((reference) => [reference.n, reference.journal, reference.year, reference.doi])).toEqual([
      [1, 'Lancet Oncol', 2022, '10.1016/S1470-2045(22)00621-0'],
      [2, 'J Clin Oncol', 2023, '10.1200/JCO.2023.41.4_suppl.347'],
    ]);
    const background = paper.chunks.find((chunk) => chunk.text.startsWith('Zanidatamab'))!;
    expect(background.refs).toEqual([1, 2]);
    expect(background.text).toContain('binds two HER2 domains');
    expect(paper.chunks.find((chunk) => chunk.text.startsWith('The responses lasted'))!.refs).toEqual([2]);
    expect(paper.glossary).toContainEqual({ short: 'ZW25', long: 'Zanidatamab' });
  });
});
