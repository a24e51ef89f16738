/**
 * The citation guard between model tokens and the screen.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CitationGuard } from '../../../server/rag/citation-stream.ts';

function run(tokens: string[], passages: number): { deltas: string[]; text: string; cited: number[] } {
  const guard = new CitationGuard(passages);
  const deltas = tokens.map((token) => guard.push(token));
  deltas.push(guard.flush());
  return { deltas, text: deltas.join(''), cited: guard.cited };
}

describe('CitationGuard', () => {
  it('holds a marker split across tokens until it is whole', () => {
    const { deltas, text } = run(['Survival improved ', '[', '1', ']', '.'], 3);
    expect(text).toBe('Survival improved [1].');
    expect(deltas.slice(0, 3).join('')).toBe('Survival improved');
    for (const delta of deltas) expect(delta).not.toMatch(/\[\d*$/);
  });

  it('renumbers passages in order of first use', () => {
    const { text, cited } = run(['A [3]. B [1]. C [3][2].'], 3);
    expect(text).toBe('A [1]. B [2]. C [1][3].');
    expect(cited).toEqual([3, 1, 2]);
  });

  it('drops numbers outside the given passages, with the space before them', () => {
    expect(run(['Yes [7].'], 6).text).toBe('Yes.');
    expect(run(['Yes [2, 9].'], 6).text).toBe('Yes [1].');
    expect(run(['Yes ', '[0]', '.'], 6).text).toBe('Yes.');
  });

  it('expands lists and ranges and accepts "[Passage 2]"', () => {
    expect(run(['X [1, 2]. Y [2-3]. Z [Passage 3].'], 3).text).toBe('X [1][2]. Y [2][3]. Z [3].');
  });

  it('lets brackets that are not citations through', () => {
    expect(run(['A note [published later] stays.'], 3).text).toBe('A note [published later] stays.');
    expect(run(['Ends with an open bracket ['], 3).text).toBe('Ends with an open bracket');
  });

  it('gives the same text however the model splits its tokens', () => {
    const source = 'T-DXd improved OS (12.5 vs 8.4 months) [2]. The ORR was 51% [1][9]. Note [draft] [3, 4].';
    const expected = run([source], 3).text;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: source.length - 1 }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const tokens: string[] = [];
        let from = 0;
        for (const point of points) {
          tokens.push(source.slice(from, point));
          from = point;
        }
        tokens.push(source.slice(from));
        const result = run(tokens, 3);
        expect(result.text).toBe(expected);
        for (const delta of result.deltas) expect(delta).not.toMatch(/\[\s*\d[\d\s,]*$/);
      }),
      { numRuns: 300 },
    );
    expect(expected).toBe('T-DXd improved OS (12.5 vs 8.4 months) [1]. The ORR was 51% [2]. Note [draft] [3].');
  });
});
