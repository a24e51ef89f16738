/**
 * `paperchat ask "question"` (`npm run ask -- "question"`): answer one question from the command line.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../../lib/config.ts';
import { environment } from '../../lib/env.ts';
import type { Answer, ChatTurn } from '../../lib/types.ts';
import { ask } from './answer.ts';
import { answererFor, llmFrom, openLibrary } from './setup.ts';
import { argumentError, isEntryPoint, keepStdoutClean } from '../../lib/cli-args.ts';

const OPTIONS = {
  json: { type: 'boolean', default: false },
  offline: { type: 'boolean', default: false },
  history: { type: 'string' },
  index: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const help = (invocation: string) => `Usage: ${invocation} [options] "question"

Answers a question from the indexed papers and prints the answer, its sources and the papers'
own references. Offline (extractive) by default; with OPENAI_API_KEY set, an OpenAI-compatible
LLM writes the answer (OPENAI_BASE_URL, OPENAI_MODEL; PAPERCHAT_LLM=off to stay offline).

Options:
  --json           print the answer object as JSON (nothing else goes to stdout)
  --offline        answer extractively even when an LLM is configured
  --history FILE   a JSON array of earlier turns: [{"role":"user","content":"…"}, …]
  --index DIR      the index directory (default: $PAPERCHAT_INDEX_DIR or ./data/index)
  -h, --help       show this help

Exit status: 0 when answered (a decline included), 2 on a usage error, a bad history file or
a missing index.`;

async function main(argv: string[], invocation: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  } catch (error) {
    process.stderr.write(`${argumentError('ask', error, OPTIONS)}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${help(invocation)}\n`);
    return 0;
  }
  if (values.json) keepStdoutClean();
  const question = positionals.join(' ').trim();
  if (!question) {
    process.stderr.write(`ask: no question given (see --help)\n`);
    return 2;
  }
  const config = loadConfig({ ...environment(), ...(values.index ? { PAPERCHAT_INDEX_DIR: values.index } : {}) });
  let history: ChatTurn[] = [];
  if (values.history) {
    const { readFile } = await import('node:fs/promises');
    try {
      history = JSON.parse(await readFile(values.history, 'utf8')) as ChatTurn[];
      if (!Array.isArray(history)) throw new Error('not an array');
    } catch (error) {
      process.stderr.write(`ask: cannot read history from ${values.history}: ${(error as Error).message}\n`);
      return 2;
    }
  }
  const library = await openLibrary(config);
  const llm = values.offline ? undefined : llmFrom(config);
  const answer = await ask(answererFor(library, llm), question, { history });
  process.stdout.write(values.json ? `${JSON.stringify(answer, null, 2)}\n` : `${format(answer)}\n`);
  return 0;
}

function format(answer: Answer): string {
  const lines = [answer.answer, ''];
  if (answer.notice) lines.push(`(${answer.notice})`, '');
  if (answer.citations.length > 0) {
    lines.push('Sources:');
    for (const citation of answer.citations) {
      const where = [citation.section, citation.page !== undefined ? `p. ${citation.page}` : ''].filter(Boolean).join(', ');
      const refs = citation.refs.length > 0 ? ` — cites ${citation.refs.map((n) => `[${n}]`).join('')}` : '';
      lines.push(`  [${citation.n}] ${citation.docTitle}${where ? ` (${where})` : ''}${refs}`);
    }
  }
  if (answer.references.length > 0) {
    lines.push('', "The papers' references:");
    for (const reference of answer.references) {
      const names = reference.authors.filter((author) => author !== 'et al.');
      const authors = names.slice(0, 3).join(', ') + (names.length > 3 || names.length < reference.authors.length ? ', et al' : '');
      lines.push(`  ${reference.n}. ${authors}. ${reference.title}. ${reference.journal}${reference.year ? ` (${reference.year})` : ''}.${reference.doi ? ` https://doi.org/${reference.doi}` : ''}`);
    }
  }
  lines.push('', `mode: ${answer.mode}${answer.abstained ? ' (declined)' : ''}; retrieval ${answer.timings.retrieveMs} ms, answer ${answer.timings.answerMs} ms`);
  return lines.join('\n');
}

/**
 * Runs ask with these arguments (`invocation` is how help names the command) and resolves to its
 * exit status; any failure becomes one line on stderr.
 */
export async function run(argv: string[], invocation = 'npm run ask --'): Promise<number> {
  try {
    return await main(argv, invocation);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${/^(index|config|embeddings|model):/.test(message) ? '' : 'ask: '}${message.split('\n')[0]}\n`);
    return 2;
  }
}

if (isEntryPoint(import.meta.url)) void run(process.argv.slice(2)).then((code) => (process.exitCode = code));
