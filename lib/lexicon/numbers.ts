/**
 * Numbers written as words, as questions write them ("fifteen participants", "twenty-two
 * sites", "a dozen", "three hundred") → the digits papers print. Cardinals up to the millions;
 * ordinals ("fifth") → their number.
 */

const UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  dozen: 12,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const SCALES: Record<string, number> = { hundred: 100, thousand: 1000, million: 1_000_000 };
const ORDINALS: Record<string, number> = {
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12, twentieth: 20, thirtieth: 30, hundredth: 100,
};

/** The number words of a text, each with its value and where it was written. */
export interface NumberWords {
  value: number;
  start: number;
  end: number;
  text: string;
}

/** Runs of number words in `text` ("twenty-two", "three hundred and five") with their values. */
export function numberWords(text: string): NumberWords[] {
  const found: NumberWords[] = [];
  const words = [...text.matchAll(/[A-Za-z]+/g)];
  let i = 0;
  while (i < words.length) {
    const run = readNumber(words, i, text);
    if (run) {
      found.push(run.number);
      i = run.next;
    } else {
      i++;
    }
  }
  return found;
}

type Place = 'start' | 'unit' | 'ten' | 'hundred' | 'scale';

function readNumber(words: RegExpMatchArray[], from: number, text: string): { number: NumberWords; next: number } | undefined {
  const first = words[from]![0].toLowerCase();
  if (from + 1 < words.length && /^(?:one|a|an)$/.test(first) && words[from + 1]![0].toLowerCase() in SCALES) {
    // "a hundred patients", "one thousand": the scale word, counted once.
    const run = readNumber(words, from + 1, text);
    if (run) return { number: { ...run.number, value: run.number.value, start: words[from]!.index!, text: text.slice(words[from]!.index!, run.number.end) }, next: run.next };
  }
  let total = 0;
  let current = 0;
  let place: Place = 'start';
  let last = from;
  for (let i = from; i < words.length; i++) {
    const word = words[i]![0].toLowerCase();
    // "three hundred and five": "and" goes on only after a hundred or a thousand.
    if (i > from && word === 'and' && (place === 'hundred' || place === 'scale') && i + 1 < words.length) continue;
    if (i > from && !/^[\s-]*(?:and\s+)?$/i.test(gap(words, last, i, text))) break;
    // Only what can follow: a unit after a ten ("twenty-two"), never two units ("ten twelve").
    if (word in UNITS && (place === 'start' || place === 'hundred' || place === 'scale' || (place === 'ten' && UNITS[word]! < 10))) {
      current += UNITS[word]!;
      place = 'unit';
    } else if (word in TENS && (place === 'start' || place === 'hundred' || place === 'scale')) {
      current += TENS[word]!;
      place = 'ten';
    } else if (word === 'hundred' && (place === 'start' || (place === 'unit' && current < 10))) {
      current = Math.max(1, current) * 100;
      place = 'hundred';
    } else if (word in SCALES && word !== 'hundred' && place !== 'scale') {
      total += Math.max(1, current) * SCALES[word]!;
      current = 0;
      place = 'scale';
    } else if (i === from && word in ORDINALS) {
      return { number: { value: ORDINALS[word]!, start: words[i]!.index!, end: words[i]!.index! + word.length, text: words[i]![0] }, next: i + 1 };
    } else if (place === 'ten' && word in ORDINALS && ORDINALS[word]! < 10) {
      // "twenty-first" → 21.
      current += ORDINALS[word]!;
      last = i;
      break;
    } else break;
    last = i;
  }
  if (place === 'start') return undefined;
  const start = words[from]!.index!;
  const end = words[last]!.index! + words[last]![0].length;
  // "one" alone is a word more often than a number.
  if (last === from && first === 'one') return undefined;
  return { number: { value: total + current, start, end, text: text.slice(start, end) }, next: last + 1 };
}

function gap(words: RegExpMatchArray[], a: number, b: number, text: string): string {
  return text.slice(words[a]!.index! + words[a]![0].length, words[b]!.index!);
}
