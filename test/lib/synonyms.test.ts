/**
 * Everyday words a question uses for the paper's terms.
 */
import { describe, expect, it } from 'vitest';
import { Synonyms } from '../../lib/synonyms.ts';
import { searchTerms } from '../../lib/text.ts';

describe('Synonyms', () => {
  const synonyms = new Synonyms();
  const term = (word: string) => searchTerms(word)[0]!;

  it('offers the paper\u2019s words for everyday ones, as search terms', () => {
    expect(synonyms.of(term('hide'))).toContainEqual([term('mask')]);
    expect(synonyms.of(term('live'))).toContainEqual([term('survival')]);
    expect(synonyms.of(term('side'))).toEqual([]);
  });

  it('keeps multi-word forms as phrases', () => {
    expect(synonyms.of(term('toxicity'))).toContainEqual(searchTerms('adverse event'));
  });

  it('knows nothing of names', () => {
    expect(synonyms.of(term('trastuzumab'))).toEqual([]);
  });
});
