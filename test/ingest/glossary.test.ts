/** Abbreviations defined in running text, as papers write them. */
import { describe, expect, it } from 'vitest';
import { authorInitials, extractGlossary } from '../../ingest/parse/glossary.ts';

const pairs = (text: string) => extractGlossary([text]).map((entry) => `${entry.short} = ${entry.long}`);

describe('extractGlossary', () => {
  it('reads a short form that shares its parentheses with a citation or a value', () => {
    expect(pairs('Global cognition was assessed using the Mini-Mental State Examination (MMSE; Folstein et al., 1975).')).toEqual(['MMSE = Mini-Mental State Examination']);
    expect(pairs('The hazard ratio (HR, 1.21) was higher in women.')).toEqual(['HR = hazard ratio']);
  });

  it('reads an initialism a paper writes beside its words, without parentheses', () => {
    expect(pairs('Funding came from the European Research Council under the Seventh Framework Programme (FP/2007-2013)/ERC Grant Agreement n. [311870].')).toEqual(['ERC = European Research Council']);
    expect(pairs('The function to identify single gene orthologs is basic, whereas confirming SGOs and families is advanced.')).toEqual(['SGO = single gene orthologs']);
    expect(pairs('The partial dependence plot[31] is global; PDP plots one feature.')).toEqual(['PDP = partial dependence plot']);
  });

  it('takes no initialism from a chance run of initials, a codon or a function word', () => {
    expect(pairs('We used PCR in patients with chronic renal disease.')).toEqual([]);
    expect(pairs('The AAA codon is read by aminoacyl tRNA acceptance in the A-site.')).toEqual([]);
    expect(pairs('Architects were asked to incorporate cultural or ICO elements.')).toEqual([]);
  });

  it('reads a unit abbreviated from the one word before it', () => {
    expect(pairs('The plant produces around 76.5 Gigacalories (Gcal) of local heating.')).toEqual(['Gcal = Gigacalories']);
    expect(pairs('The station was rebuilt in London (Kings) after the war.')).toEqual([]);
  });

  it('takes no short form from counts and percentages in parentheses', () => {
    expect(pairs('Most patients (n = 12, 40%) were women, and few (p < 0.05; two-sided) were old.')).toEqual([]);
  });
});

describe('authorInitials', () => {
  const authors = ['France Légaré', 'Dawn Stacey', 'Lars-Göran Nilsson', 'Djoko T. Iskandar', 'David Smith'];
  const text = 'FL, LGN and DTI conceived the study; AF coordinates it. DS wrote the protocol.';

  it('names the authors whose initials the text uses, with hyphenated and middle initials', () => {
    expect(authorInitials(authors, [text], []).map((entry) => `${entry.short} = ${entry.long}`)).toEqual(['FL = France Légaré', 'LGN = Lars-Göran Nilsson', 'DTI = Djoko T. Iskandar']);
  });

  it('leaves out initials two authors share, and initials the paper defines otherwise', () => {
    const entries = authorInitials(authors, [text], [{ short: 'FL', long: 'foot length' }]);
    expect(entries.map((entry) => entry.short)).not.toContain('FL');
    expect(entries.map((entry) => entry.short)).not.toContain('DS');
  });
});
