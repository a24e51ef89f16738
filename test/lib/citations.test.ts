/**
 * Raised numbers that are not citations: PDF layout writes every superscript number after a
 * word as `[n]`; a number the reference list does not reach (a residue, an isotope) is joined
 * back to its word, a real citation stays a marker.
 */
import { describe, expect, it } from 'vitest';
import { decodeSource } from '../../ingest/load.ts';
import { parsePaper } from '../../ingest/parse/paper.ts';
import { CitationResolver } from '../../lib/citations.ts';

describe('CitationResolver.joinNonCitations', () => {
  const resolver = new CitationResolver({ count: 52, numbered: true, numeric: 'brackets' });

  it('joins a number beyond the reference list to the word it was raised after', () => {
    expect(resolver.joinNonCitations('stacking with His[388] and a hydrogen bond to Tyr[369].')).toBe('stacking with His388 and a hydrogen bond to Tyr369.');
  });

  it('keeps citations inside the list, after a word or a space', () => {
    expect(resolver.joinNonCitations('as reported before[12] and since [3–5].')).toBe('as reported before[12] and since [3–5].');
  });
});

describe('a paper whose raised residue numbers came through as markers', () => {
  const source = [
    'Binding of an inhibitor',
    '',
    'Introduction',
    '',
    'The inhibitor binds the N-domain [1]. Its selectivity comes from Tyr[369] and Arg[381], which the C-domain lacks [2].',
    '',
    'References',
    '',
    '1. Smith A. N-domain inhibitors. J Test. 2010;1:1-2.',
    '2. Jones B. Domain selectivity. J Test. 2011;2:3-4.',
  ].join('\n');

  it('reads the residues as words and still links the citations', async () => {
    const paper = parsePaper(await decodeSource('inhibitor.txt', Buffer.from(source)), { docId: 'inhibitor', source: 'inhibitor.txt', chunking: { maxChars: 700 } });
    const passage = paper.chunks.find((chunk) => chunk.text.includes('selectivity comes from'))!;
    expect(passage.text).toContain('Tyr369 and Arg381');
    expect(passage.refs).toEqual([1, 2]);
  });
});
