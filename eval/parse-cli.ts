/**
 * `npm run eval:parse`: parse quality on real PDFs with hand-checked truth files (by default
 * `../shared/papers`): one table per paper and the totals, against the targets in
 * eval/parse-thresholds.json. The only file of the parse evaluation reading argv.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { summarizeQuality } from './parse-quality.ts';
import { evaluateParsing, formatResults } from './parse-run.ts';

const HELP = `Usage: npm run eval:parse -- [options]

Parses every PDF that has a <name>.truth.json beside it and scores the structure recovered:
title, section headings (F1), tables, reference count, sample entries' authors, year and DOI,
in-text citations linked, and page furniture left inside passages.

Options:
  --dir DIR     the papers (default: ../shared/papers)
  --only NAME   only papers whose file name contains NAME
  --json        print the results as JSON
  -h, --help    show this help`;


async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, only: { type: 'string' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const dir = resolve(values.dir ?? join(import.meta.dirname, '..', '..', 'shared', 'papers'));
  if (!existsSync(dir)) {
    console.log(`eval:parse: no papers at ${dir} (the real-paper corpus lives in ../shared/papers beside a checkout); nothing to score`);
    return;
  }
  const results = await evaluateParsing(dir, values.only);
  console.log(values.json ? JSON.stringify({ summary: summarizeQuality(results), results }, null, 2) : formatResults(results));
}

main().catch((error: unknown) => {
  console.error(`eval:parse: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
});
