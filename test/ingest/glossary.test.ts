/** Abbreviations defined in running text, as papers write them. */
import { describe, expect, it } from 'vitest';
import { extractGlossary } from '../../ingest/parse/glossary.ts';

const pairs = (text: string) => extractGlossary([text]).map((entry) => `${entry.short} = ${entry.long}`);

describe('extractGlossary', () => {
  it('reads a short form that shares its parentheses with a citation or a value', () => {
    expect(pairs('Global cognition was assessed using the Mini-Mental State Examination (MMSE; Folstein et al., 1975).')).toEqual(['MMSE = Mini-Mental State Examination']);
    expect(pairs('The hazard ratio (HR, 1.21) was higher in women.')).toEqual(['HR = hazard ratio']);
  });

  it('takes no short form from counts and percentages in parentheses', () => {
    expect(pairs('Most patients (n = 12, 40%) were women, and few (p < 0.05; two-sided) were old.')).toEqual([]);
  });
});
