/**
 * Argument errors as the CLIs print them: one line naming what was wrong and where help is,
 * without Node's parser advice about positionals (`util.parseArgs`).
 */
export function argumentError(tool: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replace(/\.\s+To specify a positional argument.*$/, '');
  return `${tool}: ${message} (see --help)`;
}
