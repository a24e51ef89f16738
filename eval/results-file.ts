/**
 * Results on disk: `<out>/<YYYY-MM-DD>-<mode>.json` (every question's result and the summary)
 * and the HTML report beside it. Reading checks the shape first, since `--compare` may be
 * handed any file.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from './errors.ts';
import { RESULTS_VERSION, type EvalRun } from './run.ts';

/**
 * `2026-11-29-1412-questions-offline`: the run's local start time, the set and the mode, so
 * runs of the same day never overwrite each other.
 */
export function resultsBaseName(run: EvalRun): string {
  const date = new Date(run.meta.startedAt);
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
  const set = run.meta.set.replace(/\.jsonl$/, '').replace(/^.*?eval\//, '').replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
  return `${stamp}-${set}-${run.meta.mode}`;
}

/** Writes the JSON and HTML files; returns their paths. */
export async function writeResults(run: EvalRun, html: string, directory: string): Promise<{ json: string; html: string }> {
  await mkdir(directory, { recursive: true });
  const base = join(directory, resultsBaseName(run));
  const paths = { json: `${base}.json`, html: `${base}.html` };
  await writeFile(paths.json, `${JSON.stringify(run, null, 2)}\n`);
  await writeFile(paths.html, html);
  return paths;
}

// Enough to compare against; the rest of the file is carried along unchecked.
const StoredRun = z.looseObject({
  meta: z.looseObject({ resultsVersion: z.literal(RESULTS_VERSION, { message: `results version must be ${RESULTS_VERSION}; re-run that evaluation` }), mode: z.string() }),
  summary: z.looseObject({ overall: z.looseObject({ questions: z.number() }) }),
  results: z.array(z.looseObject({ id: z.string(), question: z.string(), correct: z.boolean(), problems: z.array(z.string()) })),
});

/** Reads a results file written by `writeResults`. */
export async function readResults(file: string): Promise<EvalRun> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new InputError(`eval: cannot read results ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = StoredRun.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`eval: ${file} is not an eval results file (${issue.path.join('.') || 'top level'}: ${issue.message})`);
  }
  return json as EvalRun;
}
