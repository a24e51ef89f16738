/**
 * `paperchat <command>`: hands the arguments to the command-line front of each part
 * (ingest/cli.ts, server/rag/cli.ts, server/main.ts, eval/cli.ts, server/mcp/cli.ts). Only the
 * chosen command's module is loaded, so `--help` and a typo are answered at once.
 */
import packageJson from '../package.json' with { type: 'json' };
import { closest } from '../lib/cli-args.ts';

/** A command's entry: resolves to its exit status, or undefined while it keeps serving. */
type Run = (argv: string[], invocation: string) => Promise<number | undefined>;

interface Command {
  summary: string;
  load: () => Promise<{ run: Run }>;
}

const COMMANDS: Record<string, Command> = {
  ingest: { summary: 'turn the papers in the corpus into the index (only what changed)', load: () => import('../ingest/cli.ts') },
  ask: { summary: 'answer a question from the indexed papers, with its sources', load: () => import('../server/rag/cli.ts') },
  serve: { summary: 'serve the chat page, the HTTP and OpenAI-compatible APIs, Socket.IO', load: () => import('../server/main.ts') },
  eval: { summary: 'run the answer-accuracy suite and write its report', load: () => import('../eval/cli.ts') },
  mcp: { summary: 'serve the papers as tools to an MCP client over stdio', load: () => import('../server/mcp/cli.ts') },
};

const HELP = `Usage: paperchat <command> [options]

Questions about scientific papers, answered with citations to the passages they come from.

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(8)} ${command.summary}`)
  .join('\n')}

Options:
  -h, --help      show this help
  -v, --version   print the version

\`paperchat help <command>\` (or \`paperchat <command> --help\`) shows a command's options.
Exit status: 2 on a usage error (an unknown command or option); each command's help gives
its others.`;

/** One line for a word that is neither a command nor an option of paperchat itself. */
function unknownWord(word: string): string {
  if (word.startsWith('-')) {
    const match = closest(word.replace(/^-+/, ''), ['help', 'version']);
    return `paperchat: unknown option '${word}'${match ? `; did you mean --${match}?` : ' (options go after the command; see paperchat --help)'}`;
  }
  const match = closest(word, Object.keys(COMMANDS));
  return `paperchat: unknown command '${word}'${match ? `; did you mean ${match}?` : ` (commands: ${Object.keys(COMMANDS).join(', ')})`}`;
}

async function runCommand(name: string, argv: string[]): Promise<number | undefined> {
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`${unknownWord(name)}\n`);
    return 2;
  }
  const { run } = await command.load();
  return run(argv, `paperchat ${name}`);
}

/** Routes `paperchat …` arguments; resolves to the exit status (undefined: still serving). */
export async function dispatch(argv: string[]): Promise<number | undefined> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(`${HELP}\n`);
    return 2;
  }
  if (first === '-h' || first === '--help' || (first === 'help' && rest.length === 0)) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (first === '-v' || first === '--version') {
    process.stdout.write(`${packageJson.version}\n`);
    return 0;
  }
  if (first === 'help') return runCommand(rest[0]!, ['--help']);
  return runCommand(first, rest);
}

dispatch(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    // The commands report their own failures; this is only a module that would not load.
    process.stderr.write(`paperchat: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}\n`);
    process.exitCode = 1;
  },
);
