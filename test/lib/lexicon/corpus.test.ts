/**
 * The corpus lexicon: WordNet words a question may use → the corpus's own search terms.
 */
import { describe, expect, it } from 'vitest';
import { buildLexicon } from '../../../lib/lexicon/corpus.ts';
import { WordNet } from '../../../lib/lexicon/wordnet.ts';
import { searchTerms } from '../../../lib/text.ts';
import type { Chunk } from '../../../lib/types.ts';

const wordnet = WordNet.load();

function chunk(seq: number, text: string): Chunk {
  return { id: `c${seq}`, docId: 'paper', docTitle: 'Paper', section: 'Results', sectionPath: ['Results'], span: { start: 0, end: text.length }, kind: 'paragraph', refs: [], text, seq, block: seq };
}

const chunks = [chunk(0, 'Median overall survival in gastric cancer was 14 months.'), chunk(1, 'HER2 status of the patients was tested.')];
const lexicon = buildLexicon(chunks, wordnet);
const targetsOf = (word: string) => (lexicon.related[searchTerms(word)[0]!] ?? []).map(([target]) => target);

describe('buildLexicon', () => {
  it('leads a WordNet relative to the corpus word, keyed and valued by search terms', () => {
    expect(lexicon.version).toBe(1);
    expect(lexicon.related[searchTerms('stomach')[0]!]).toEqual([[searchTerms('gastric')[0], 1]]);
    expect(targetsOf('endure')).toContain(searchTerms('survival')[0]);
  });

  it('weighs words reached through a derived form’s synonyms 0.6', () => {
    // survival → survive (derived) → live (synonym); gastric → stomach → tummy.
    expect(lexicon.related[searchTerms('live')[0]!]).toEqual([[searchTerms('survival')[0], 0.6]]);
    expect(lexicon.related[searchTerms('tummy')[0]!]).toEqual([[searchTerms('gastric')[0], 0.6]]);
  });

  it('only ever leads to words of the corpus, never to a word itself', () => {
    const corpus = new Set(chunks.flatMap((each) => searchTerms(each.text)));
    for (const [key, targets] of Object.entries(lexicon.related)) {
      expect(targets.length).toBeGreaterThan(0);
      for (const [target] of targets) {
        expect(corpus).toContain(target);
        expect(target).not.toBe(key);
      }
    }
  });

  it('skips multiword relatives and corpus words with digits', () => {
    // "malignant neoplastic disease" stands for cancer but is three terms; HER2 is a code.
    expect(Object.keys(lexicon.related)).not.toContain('malign');
    expect(Object.values(lexicon.related).flat().map(([target]) => target)).not.toContain('her2');
  });

  it('lists each word’s targets surest first', () => {
    // tolerant ↔ patient directly; tolerate is a synonym of endure, derived from endurance.
    const related = buildLexicon([chunk(0, 'survival and endurance of patients')], wordnet).related;
    expect(related[searchTerms('tolerant')[0]!]).toEqual([[searchTerms('patients')[0], 1], [searchTerms('endurance')[0], 0.6]]);
  });

  it('is empty for a corpus without words WordNet relates', () => {
    expect(buildLexicon([], wordnet)).toEqual({ version: 1, related: {}, members: {} });
    expect(buildLexicon([chunk(0, 'HER2 ZW25 T-DXd 13.8')], wordnet).related).toEqual({});
  });

  it('lists the corpus words that are kinds of a category, under the category\'s search terms', () => {
    const residues = buildLexicon([chunk(0, 'Oxidation occurred at methionine, tryptophan or histidine residues.'), chunk(1, 'Fibrosis fell in heart and kidney tissue.')], wordnet);
    expect(residues.members![searchTerms('amino acid').join(' ')]).toEqual(expect.arrayContaining(searchTerms('methionine tryptophan histidine')));
    expect(residues.members![searchTerms('organ').join(' ')]).toEqual(expect.arrayContaining(searchTerms('heart kidney')));
    expect(residues.members![searchTerms('organ').join(' ')]).not.toContain(searchTerms('methionine')[0]);
  });
});
