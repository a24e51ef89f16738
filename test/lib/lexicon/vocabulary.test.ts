/**
 * The domain vocabulary: built-in and user TSV files of phrases that stand for one another.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILT_IN_VOCABULARY, Vocabulary } from '../../../lib/lexicon/vocabulary.ts';
import { searchTerms } from '../../../lib/text.ts';
import { tempDir } from '../../support/fixtures.ts';

const builtIn = Vocabulary.load([BUILT_IN_VOCABULARY]);
/** The alternatives of each known phrase of a question, as phrases of search terms. */
const known = (vocabulary: Vocabulary, question: string) =>
  vocabulary.matches(searchTerms(question)).map((match) => match.alternatives.map((alternative) => alternative.join(' ')));

let removeTemp: (() => Promise<void>) | undefined;
afterEach(async () => {
  await removeTemp?.();
  removeTemp = undefined;
});

describe('built-in vocabulary', () => {
  it('leads a brand name to its generic name, and the generic name to its brands', () => {
    expect(known(builtIn, 'Is Herceptin approved?')[0]).toContain('trastuzumab');
    expect(known(builtIn, 'Was Enhertu better?')[0]).toContain(searchTerms('trastuzumab deruxtecan').join(' '));
    expect(known(builtIn, 'trastuzumab dosing')[0]).toContain('herceptin');
  });

  it('leads lay words to the clinical term', () => {
    expect(known(builtIn, 'What did chemo do?')).toEqual([[searchTerms('chemotherapy').join(' ')]]);
    expect(known(builtIn, 'treating stomach cancer')[0]).toContain('gastric cancer');
  });

  it('leads a journal abbreviation to the full title', () => {
    expect(known(builtIn, 'published in NEJM')[0]).toContain(searchTerms('New England Journal of Medicine').join(' '));
  });

  it('reports where each phrase is, preferring the longest phrase', () => {
    const terms = searchTerms('Does Enhertu work for stomach cancer?');
    expect(builtIn.matches(terms).map(({ at, length }) => [at, length])).toEqual([[0, 1], [2, 2]]);
  });

  it('takes the chat form of a word no search keeps ("abt" for about) for a filler, standing for nothing', () => {
    expect(known(builtIn, 'tell me abt it')).toEqual([['']]);
    expect(known(new Vocabulary([['about', 'abt']]), 'abt')).toEqual([['']]);
  });

  it('knows nothing of ordinary words', () => {
    expect(builtIn.matches(searchTerms('nothing known here'))).toEqual([]);
  });
});

describe('Vocabulary.load', () => {
  it('adds the .tsv files of a user directory, skipping comments, single phrases and other files', async () => {
    const dir = await tempDir();
    removeTemp = dir.remove;
    await writeFile(join(dir.path, 'plants.tsv'), '# Plants: common name, then Latin.\nfoxglove\tDigitalis purpurea\nlonely phrase\n');
    await writeFile(join(dir.path, 'notes.txt'), 'willow\tSalix\n');
    const vocabulary = Vocabulary.load([BUILT_IN_VOCABULARY, dir.path]);
    expect(known(vocabulary, 'foxglove tea')).toEqual([[searchTerms('Digitalis purpurea').join(' ')]]);
    expect(known(vocabulary, 'Digitalis purpurea')).toEqual([[searchTerms('foxglove').join(' ')]]);
    expect(vocabulary.matches(searchTerms('willow lonely phrase'))).toEqual([]);
    expect(known(vocabulary, 'Herceptin')[0]).toContain('trastuzumab');
  });

  it('names the directory it cannot read and the setting to check', async () => {
    const dir = await tempDir();
    removeTemp = dir.remove;
    const missing = join(dir.path, 'missing');
    expect(() => Vocabulary.load([missing])).toThrow(`vocabulary: cannot read ${missing} (ENOENT); check PAPERCHAT_VOCABULARY`);
    await mkdir(join(dir.path, 'empty'));
    expect(Vocabulary.load([join(dir.path, 'empty')]).matches(['herceptin'])).toEqual([]);
  });
});
