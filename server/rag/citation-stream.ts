/**
 * Citation markers in a token stream. Tokens may split a marker (`[`, `1`, `]`); the guard
 * holds back anything that could still become one, then lets a marker through only if it
 * names a passage the model was given, renumbered in order of first use. Invalid numbers are
 * never shown. Trailing spaces are held too, so a dropped marker leaves no stray space.
 */

const MARKER = /^\[\s*(?:passages?\s*)?(\d{1,3}(?:\s*[,;]\s*\d{1,3}|\s*[-–]\s*\d{1,3})*)\s*\]/i;
const MAYBE_MARKER = /^\[\s*(?:p(?:a(?:s(?:s(?:a(?:g(?:e(?:s)?)?)?)?)?)?)?\s*)?[\d\s,;–-]*$/i;

export class CitationGuard {
  private pending = '';
  private readonly numbering = new Map<number, number>();

  /** @param passages how many passages the model was given (valid numbers are 1..passages) */
  constructor(private readonly passages: number) {}

  /** Model passage numbers in the order the answer first cites them. */
  get cited(): number[] {
    return [...this.numbering.keys()];
  }

  /** Feeds a token; returns the text that is now safe to show. */
  push(token: string): string {
    this.pending += token;
    return this.drain(false);
  }

  /** Ends the stream; returns whatever is left, with incomplete markers dropped. */
  flush(): string {
    return this.drain(true);
  }

  private drain(final: boolean): string {
    let out = '';
    for (;;) {
      const open = this.pending.indexOf('[');
      if (open === -1) {
        out += this.emitHoldingSpace(this.pending, final);
        return out;
      }
      const before = this.pending.slice(0, open);
      const rest = this.pending.slice(open);
      const marker = MARKER.exec(rest);
      if (marker) {
        const numbers = expand(marker[1]!).filter((n) => n >= 1 && n <= this.passages);
        const rendered = numbers.map((n) => `[${this.renumber(n)}]`).join('');
        out += rendered ? before + rendered : before.replace(/\s+$/, '');
        this.pending = rest.slice(marker[0].length);
        continue;
      }
      if (!final && MAYBE_MARKER.test(rest) && rest.length < 24) {
        // Hold the space before it too: if the marker turns out invalid, so does the space.
        const space = /\s*$/.exec(before)![0];
        out += before.slice(0, before.length - space.length);
        this.pending = space + rest;
        return out;
      }
      if (final && MAYBE_MARKER.test(rest)) {
        out += before.replace(/\s+$/, '');
        this.pending = '';
        return out;
      }
      // A bracket that is not a citation ("[published correction …]").
      out += `${before}[`;
      this.pending = rest.slice(1);
    }
  }

  private emitHoldingSpace(text: string, final: boolean): string {
    if (final) {
      this.pending = '';
      return text;
    }
    const kept = /\s+$/.exec(text)?.[0] ?? '';
    this.pending = kept;
    return text.slice(0, text.length - kept.length);
  }

  private renumber(n: number): number {
    let mapped = this.numbering.get(n);
    if (mapped === undefined) {
      mapped = this.numbering.size + 1;
      this.numbering.set(n, mapped);
    }
    return mapped;
  }
}

function expand(list: string): number[] {
  const numbers: number[] = [];
  for (const part of list.split(/[,;]/)) {
    const [from, to] = part.split(/[-–]/).map((value) => Number(value.trim()));
    if (from === undefined || Number.isNaN(from)) continue;
    if (to === undefined || Number.isNaN(to) || to < from || to - from > 10) numbers.push(from);
    else for (let n = from; n <= to; n++) numbers.push(n);
  }
  return numbers;
}
