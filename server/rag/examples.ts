/**
 * Example questions for the chat page, made from what the index holds rather than written for
 * one paper: the abbreviation the papers use most, a keyword an author gave, a table and a
 * reference list entry. Each names its paper when more than one is indexed.
 */
import type { Chunk, Paper } from '../../lib/types.ts';

const MAX_EXAMPLES = 4;

export function exampleQuestions(papers: readonly Paper[]): string[] {
  const many = papers.length > 1;
  const examples: string[] = [];
  const add = (question: string | undefined) => {
    if (question && !examples.includes(question) && examples.length < MAX_EXAMPLES) examples.push(question);
  };
  for (const paper of papers) {
    const abbreviation = mostUsed(paper, paper.glossary.map((entry) => entry.short));
    add(abbreviation && `What does ${abbreviation} stand for?`);
    const keyword = mostUsed(paper, (paper.front?.keywords ?? []).filter((word) => word.split(/\s+/).length <= 4));
    add(keyword && `What does ${many ? `“${shortTitle(paper)}”` : 'the paper'} say about ${keyword}?`);
    // A table of several rows, which the answer lists whole.
    const rows = paper.chunks.filter((chunk) => chunk.kind === 'table-row' && chunk.table);
    const label = rows.map((row) => row.table!.label).find((name, _, all) => /^Table\s+[A-Z]?\d+$/i.test(name) && all.filter((other) => other === name).length > 1);
    add(label && `What does ${label}${many ? ` of “${shortTitle(paper)}”` : ''} show?`);
    if (examples.length >= MAX_EXAMPLES) break;
  }
  const cited = papers.find((paper) => paper.references.some((reference) => reference.journal));
  add(cited && `Which journal published reference 1${many ? ` of “${shortTitle(cited)}”` : ''}?`);
  return examples;
}

/** The term found in the most passages of the paper (ties: the earlier term). */
function mostUsed(paper: Paper, terms: string[]): string | undefined {
  let best: { term: string; count: number } | undefined;
  for (const term of terms) {
    const count = paper.chunks.filter((chunk: Chunk) => chunk.kind !== 'reference' && chunk.text.includes(term)).length;
    if (count > 1 && (!best || count > best.count)) best = { term, count };
  }
  return best?.term;
}

/** The title up to its first colon, or its first six words. */
function shortTitle(paper: Paper): string {
  const head = paper.title.split(/:\s/)[0]!;
  const words = head.split(/\s+/);
  return words.length <= 6 ? head : `${words.slice(0, 6).join(' ')}…`;
}
