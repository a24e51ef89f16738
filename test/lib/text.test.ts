/**
 * The text rules chunks and questions share.
 */
import { describe, expect, it } from 'vitest';
import { citedNumbers } from '../../lib/citations.ts';
import { repairExtractedText, searchTerms, splitSentences, stripMarkdownInline } from '../../lib/text.ts';

describe('repairExtractedText', () => {
  it('splits words and numbers that extraction glued, and leaves codes alone', () => {
    expect(repairExtractedText('located on human chromosome17 (9)')).toBe('located on human chromosome 17 (9)');
    expect(repairExtractedText('mOS: 13.8 vs. 11.1months PCR:35%vs.12%')).toBe('mOS: 13.8 vs. 11.1 months PCR: 35% vs. 12%');
    expect(repairExtractedText('HER2, ZW25, RC48, KN026, T-DM1 and Claudin18.2')).toBe('HER2, ZW25, RC48, KN026, T-DM1 and Claudin18.2');
  });
});

describe('splitSentences', () => {
  it('does not split after et al., vs., e.g. or No.', () => {
    const text = 'Bordeau et al. discovered it. OS was 11.8 vs. 10.0 months (71). Funding (No. 82203267) helped, e.g. grants. Next.';
    expect(splitSentences(text).map((sentence) => sentence.text)).toEqual([
      'Bordeau et al. discovered it.',
      'OS was 11.8 vs. 10.0 months (71).',
      'Funding (No. 82203267) helped, e.g. grants.',
      'Next.',
    ]);
  });

  it('reports offsets that point at each sentence', () => {
    const text = 'First one.  Second one!';
    for (const sentence of splitSentences(text)) expect(text.slice(sentence.start, sentence.end)).toBe(sentence.text);
  });
});

describe('searchTerms', () => {
  it('meets spelling variants: hyphens, British spelling, Greek letters, contractions', () => {
    expect(searchTerms('T-DXd')).toEqual(searchTerms('TDXd').concat(['dxd']));
    expect(searchTerms('HER-2')[0]).toBe(searchTerms('HER2')[0]);
    expect(searchTerms('randomised tumours')).toEqual(searchTerms('randomized tumors'));
    expect(searchTerms('Wnt/β-catenin')).toEqual(['wnt', 'beta', 'catenin']);
    expect(searchTerms("didn't it")).toEqual([]);
    expect(searchTerms('drug-to-antibody')[0]).toBe(searchTerms('drug-antibody')[0]);
  });

  it('keeps numbers as written and drops stopwords', () => {
    expect(searchTerms('The ORR was 77.4% in the IHC3+ group')).toEqual(['orr', '77.4', 'ihc3', 'group']);
  });
});

describe('citations', () => {
  it('expands lists and ranges, and ignores what cannot be a reference', () => {
    expect(citedNumbers('a (24) b (46, 47) c (95–97) d [3-5, 8]', 190)).toEqual([3, 4, 5, 8, 24, 46, 47, 95, 96, 97]);
    expect(citedNumbers('in (2022), at (19%), of (NCT04082364), up to (999), range (1990–2020)', 190)).toEqual([]);
  });
});

describe('stripMarkdownInline', () => {
  it('removes emphasis, links and escapes but not underscores inside words', () => {
    expect(stripMarkdownInline('*in situ* [CC BY](https://creativecommons.org/) \\(x\\) Ldy_y_huangzp')).toBe('in situ CC BY (x) Ldy_y_huangzp');
  });
});
