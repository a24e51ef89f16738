/**
 * `paperchat mcp` (`npm run -s mcp`): PaperChat's tools for an MCP client (Claude Desktop, an IDE, an agent) over
 * stdio. Stdout carries nothing but the protocol; messages go to stderr.
 */
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import packageJson from '../../package.json' with { type: 'json' };
import { argumentError, isEntryPoint, keepStdoutClean } from '../../lib/cli-args.ts';
import { ConfigError, loadConfig } from '../../lib/config.ts';
import { environment } from '../../lib/env.ts';
import { Engine } from '../engine.ts';
import { llmFrom } from '../rag/setup.ts';
import { createMcpServer } from './tools.ts';

const OPTIONS = {
  index: { type: 'string' },
  offline: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const help = (invocation: string) => `Usage: ${invocation} [options]

Serves the indexed papers to an MCP client over stdio (stdin and stdout carry the protocol,
messages go to stderr). Tools: list_papers, search_passages, ask_papers, get_passage,
get_reference. Answers offline (extractive) by default; with OPENAI_API_KEY set, an
OpenAI-compatible LLM writes them (OPENAI_BASE_URL, OPENAI_MODEL; PAPERCHAT_LLM=off to stay
offline). A re-ingest is picked up without a restart.

Options:
  --index DIR   the index directory (default: $PAPERCHAT_INDEX_DIR or ./data/index)
  --offline     answer extractively even when an LLM is configured
  -h, --help    show this help

Exit status: runs until the client closes stdin (then 0); 1 when the index cannot be opened,
2 on a usage error.`;

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(argv: string[], invocation: string): Promise<number | undefined> {
  // Stdout is the protocol.
  keepStdoutClean();
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS });
  } catch (error) {
    say(argumentError('mcp', error, OPTIONS));
    return 2;
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${help(invocation)}\n`);
    return 0;
  }
  // --offline is PAPERCHAT_LLM=off: then the configuration holds no LLM for the engine to build.
  const config = loadConfig({ ...environment(), ...(values.index ? { PAPERCHAT_INDEX_DIR: values.index } : {}), ...(values.offline ? { PAPERCHAT_LLM: 'off' } : {}) });
  const events = {
    onReload: (version: string) => say(`mcp: index reloaded (${version})`),
    onReloadError: (error: Error) => say(`mcp: index reload failed; still serving the previous index: ${error.message.split('\n')[0]}`),
  };
  const engine = await Engine.open(config, events, llmFrom(config));
  engine.watch();
  const server = createMcpServer(engine, {
    rateLimitPerMinute: config.server.rateLimitPerMinute,
    version: packageJson.version,
    onError: (tool, error) => say(`mcp: ${tool} failed: ${error.message.split('\n')[0]}`),
  });
  await server.connect(new StdioServerTransport());
  const mode = engine.answerer.mode === 'llm' ? `LLM answers with ${engine.answerer.model}` : 'offline (extractive) answers';
  say(`mcp: serving ${engine.library.index.manifest.counts.papers} paper(s) over stdio, ${mode}`);

  // The client ends the session by closing our stdin (or by a signal).
  const shutdown = () => {
    engine.close();
    void server.close().finally(() => process.exit(0));
  };
  process.stdin.once('end', shutdown);
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return undefined;
}

/**
 * Runs the MCP server with these arguments (`invocation` is how help names the command).
 * Resolves to an exit status when it stops at once (help, bad arguments, no index); to
 * undefined once it is serving: it ends the process itself when the client goes away.
 */
export async function run(argv: string[], invocation = 'npm run -s mcp --'): Promise<number | undefined> {
  try {
    return await main(argv, invocation);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    say(`${error instanceof ConfigError || /^(index|config|embeddings|model):/.test(message) ? '' : 'mcp: '}${message.split('\n')[0]}`);
    return 1;
  }
}

if (isEntryPoint(import.meta.url)) {
  void run(process.argv.slice(2)).then((code) => {
    if (code !== undefined) process.exitCode = code;
  });
}
