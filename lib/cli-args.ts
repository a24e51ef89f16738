/**
 * What the command-line entry points share: argument errors as one line with a "did you mean",
 * the check that a CLI file is the script Node was started with, and stdout kept for results.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The options of a `util.parseArgs` configuration: suggestions need only their names. */
export type OptionNames = Readonly<Record<string, object>>;

/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbouring
 * letters as one edit (optimal string alignment): "jsno" is one edit from "json", as a typist sees it.
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The candidate the user most likely meant: the closest by edit distance when it is within a
 * third of the word's length (at least one edit), or the only one the word begins.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (best && best.distance <= Math.max(1, Math.floor(typed.length / 3))) return best.candidate;
  const extending = typed.length >= 3 ? candidates.filter((candidate) => candidate.toLowerCase().startsWith(typed)) : [];
  return extending.length === 1 ? extending[0] : undefined;
}

/** "; did you mean --json?" for a mistyped option name (without its dashes), or "". */
function suggestion(name: string, options: OptionNames): string {
  const match = closest(name.replace(/^-+/, ''), Object.keys(options));
  return match ? `; did you mean --${match}?` : '';
}

/**
 * Argument errors as the CLIs print them: one line naming what was wrong, the option that was
 * probably meant, or where help is — never Node's parser advice about positionals (`util.parseArgs`).
 */
export function argumentError(tool: string, error: unknown, options: OptionNames = {}): string {
  const { code, message = String(error) } = (error ?? {}) as { code?: string; message?: string };
  const first = message.split('\n')[0]!;
  const unknown = /^Unknown option '(-[^']*)'/.exec(first);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const hint = unknown[1]!.startsWith('--') ? suggestion(unknown[1]!, options) : '';
    return `${tool}: unknown option '${unknown[1]}'${hint || ' (see --help)'}`;
  }
  const unexpected = /^Unexpected argument '([^']*)'/.exec(first);
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' && unexpected) {
    // `ingest rebuild` is `ingest --rebuild` with the dashes forgotten.
    const hint = suggestion(unexpected[1]!, options);
    return `${tool}: unexpected argument '${unexpected[1]}'${hint || ': this command takes none (see --help)'}`;
  }
  const option = /^Option '(-[^' ]*)/.exec(first)?.[1];
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (/does not take an argument/.test(first)) return `${tool}: option '${option}' takes no value`;
    // "Ambiguous": the next word starts with a dash, so it is taken for the next option.
    return `${tool}: option '${option}' needs a value${/ambiguous/.test(first) ? ` (one starting with a dash is written ${option}=-…)` : ''}`;
  }
  const reason = first.replace(/\.\s+To specify a positional argument.*$/, '').replace(/\.$/, '');
  return `${tool}: ${reason.charAt(0).toLowerCase()}${reason.slice(1)} (see --help)`;
}

/**
 * True when the module at `moduleUrl` is the script Node was started with (`tsx ingest/cli.ts`),
 * false when it was imported (by bin/paperchat.js): only then does a CLI file run by itself.
 */
export function isEntryPoint(moduleUrl: string, script: string | undefined = process.argv[1]): boolean {
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/**
 * Sends `console.log` and friends to stderr: when stdout carries JSON or a protocol, whatever a
 * library prints must not land in it.
 */
export function keepStdoutClean(): void {
  console.log = console.info = console.debug = console.error;
}
