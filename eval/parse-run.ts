/**
 * Parse quality over a directory of PDFs with truth files: parse each, score it, format the
 * per-paper table and the totals.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DEFAULT_CHUNKING } from '../ingest/chunk.ts';
import { decodeSource } from '../ingest/load.ts';
import { parsePaper } from '../ingest/parse/paper.ts';
import { repeatedEdgeText } from './furniture.ts';
import { scorePaper, summarizeQuality, type PaperQuality, type Truth } from './parse-quality.ts';

export async function evaluateParsing(dir: string, only?: string): Promise<PaperQuality[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.truth.json')).map((name) => name.replace(/\.truth\.json$/, '')).sort();
  const results: PaperQuality[] = [];
  for (const name of names.filter((candidate) => !only || candidate.includes(only))) {
    const pdf = join(dir, `${name}.pdf`);
    if (!existsSync(pdf)) continue;
    const truth = JSON.parse(await readFile(join(dir, `${name}.truth.json`), 'utf8')) as Truth;
    const bytes = await readFile(pdf);
    const paper = parsePaper(await decodeSource(pdf, bytes), { docId: name, source: basename(pdf), chunking: DEFAULT_CHUNKING });
    results.push(scorePaper(name, paper, truth, await repeatedEdgeText(bytes)));
  }
  return results;
}

export function formatResults(results: PaperQuality[]): string {
  const rows = results.map((result) => {
    const samples = result.samples;
    const count = (key: 'authors' | 'year' | 'doi') => `${samples.filter((sample) => sample[key]).length}/${samples.length}`;
    return [
      result.name.slice(0, 36).padEnd(36),
      result.titleExact ? 'yes' : 'NO ',
      result.sections.f1.toFixed(2),
      `${result.tables.got}/${result.tables.expected}`.padStart(5),
      `${result.references.got}/${result.references.expected}${result.references.withinOne ? '' : '!'}`.padStart(8),
      count('authors'),
      count('year'),
      count('doi'),
      `${result.citations.linkedPassages}/${result.citations.passages}`.padStart(7),
      String(result.furniture.length),
    ].join('  ');
  });
  const header = ['paper'.padEnd(36), 'title', 'secF1', 'tables', '    refs', 'auth', 'year', 'doi', 'linked', 'furniture'].join('  ');
  const summary = summarizeQuality(results);
  const totals = `\ntitle exact ${pct(summary.titleExact)} · section F1 ${summary.sectionF1.toFixed(2)} · references ±1 ${pct(summary.referencesWithinOne)} · sample authors ${pct(summary.samplesAuthors)}, year ${pct(summary.samplesYear)}, DOI ${pct(summary.samplesDoi)} (all three ${pct(summary.samplesAllRight)}) · furniture-free ${pct(summary.furnitureFree)} · tables exact ${pct(summary.tablesExact)} · citations linked ${pct(summary.citationsLinked)}`;
  const details = results
    .filter((result) => !result.titleExact || result.sections.f1 < 1 || result.furniture.length > 0)
    .map((result) => {
      const lines = [`\n${result.name}`];
      if (!result.titleExact) lines.push(`  title: got "${result.title.got}"`);
      if (result.sections.missing.length > 0) lines.push(`  missing headings: ${result.sections.missing.join(' | ')}`);
      if (result.sections.extra.length > 0) lines.push(`  extra headings: ${result.sections.extra.join(' | ')}`);
      if (result.furniture.length > 0) lines.push(`  furniture in passages: ${result.furniture.join(' | ')}`);
      return lines.join('\n');
    });
  return [header, ...rows, totals, ...details].join('\n');
}

const pct = (value: number) => `${Math.round(value * 100)}%`;
