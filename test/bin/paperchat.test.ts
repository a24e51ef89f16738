/**
 * The `paperchat` command as a user runs it: the real bin (bin/paperchat.js) in a child process,
 * on a corpus and index in a temporary directory. Help, did-you-mean errors, JSON-only stdout,
 * ingest progress on a pipe and on a real pseudo-terminal (util-linux `script`), NO_COLOR.
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { REPO, REVIEW, tempDir } from '../support/fixtures.ts';

const BIN = join(REPO, 'bin', 'paperchat.js');
const COMMANDS = ['ingest', 'ask', 'serve', 'eval', 'mcp'];
const execute = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Only what the test sets: no NO_COLOR, LLM key or index setting leaks in from the machine. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PAPERCHAT_LOG: 'silent', ...extra };
}

async function paperchat(args: string[], extra: Record<string, string> = {}, command = process.execPath, prefix = [BIN]): Promise<Result> {
  try {
    const { stdout, stderr } = await execute(command, [...prefix, ...args], { cwd: REPO, env: cleanEnv(extra) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Runs the bin on a pseudo-terminal (stdout and stderr both on it), as a person at a terminal would. */
async function onTerminal(args: string[], extra: Record<string, string> = {}): Promise<Result> {
  const line = [process.execPath, BIN, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  return paperchat(['-qec', line, '/dev/null'], extra, 'script', []);
}

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let dir: Awaited<ReturnType<typeof tempDir>>;
let corpus: string;
let index: string;

beforeAll(async () => {
  dir = await tempDir();
  corpus = join(dir.path, 'corpus');
  index = join(dir.path, 'index');
  await mkdir(corpus);
  await copyFile(REVIEW, join(corpus, 'review.txt'));
  await writeFile(join(corpus, 'note.md'), '# A short note\n\nHER2 is a receptor tyrosine kinase that is amplified in some gastric cancers.\n');
});

afterAll(async () => {
  await dir?.remove();
});

describe('paperchat help', () => {
  it('lists the commands with --help, says the version, and prints the usage on stderr with exit 2 when given nothing', async () => {
    const [help, version, nothing] = await Promise.all([paperchat(['--help']), paperchat(['--version']), paperchat([])]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: paperchat <command> \[options\]/);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    expect(version).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
    expect(nothing).toMatchObject({ code: 2, stdout: '' });
    expect(nothing.stderr).toMatch(/^Usage: paperchat <command>/);
  });

  it('shows each command\'s own options, the same with `help <command>` as with `<command> --help`', async () => {
    const flags: Record<string, string[]> = {
      ingest: ['--corpus', '--index', '--rebuild', '--json'],
      ask: ['--json', '--offline', '--history', '--index'],
      serve: ['--port', '--host', '--corpus', '--index', '--offline'],
      eval: ['--set', '--papers', '--mode', '--json', '--limit'],
      mcp: ['--index', '--offline'],
    };
    const results = await Promise.all(COMMANDS.flatMap((command) => [paperchat([command, '--help']), paperchat(['help', command])]));
    COMMANDS.forEach((command, i) => {
      const [direct, viaHelp] = [results[2 * i]!, results[2 * i + 1]!];
      expect(direct).toMatchObject({ code: 0, stderr: '' });
      expect(direct.stdout).toMatch(new RegExp(`^Usage: paperchat ${command} \\[options\\]`));
      for (const flag of flags[command]!) expect(direct.stdout).toContain(`  ${flag}`);
      expect(viaHelp).toEqual(direct);
    });
  });
});

describe('paperchat usage errors', () => {
  it('answers a misspelled command or flag with one line naming the likely one, and exit status 2', async () => {
    const cases: [string[], string][] = [
      [['ingset'], "paperchat: unknown command 'ingset'; did you mean ingest?\n"],
      [['help', 'serv'], "paperchat: unknown command 'serv'; did you mean serve?\n"],
      [['frobnicate'], "paperchat: unknown command 'frobnicate' (commands: ingest, ask, serve, eval, mcp)\n"],
      [['--verison'], "paperchat: unknown option '--verison'; did you mean --version?\n"],
      [['ask', '--jsno', 'What is HER2?'], "ask: unknown option '--jsno'; did you mean --json?\n"],
      [['ingest', '--rebuld'], "ingest: unknown option '--rebuld'; did you mean --rebuild?\n"],
      [['ingest', 'rebuild'], "ingest: unexpected argument 'rebuild'; did you mean --rebuild?\n"],
      [['serve', '--prot', '0'], "serve: unknown option '--prot'; did you mean --port?\n"],
      [['eval', '--limt', '3'], "eval: unknown option '--limt'; did you mean --limit?\n"],
      [['mcp', '--ofline'], "mcp: unknown option '--ofline'; did you mean --offline?\n"],
      [['ingest', '--frobnicate'], "ingest: unknown option '--frobnicate' (see --help)\n"],
      [['ask', '--index'], "ask: option '--index' needs a value\n"],
    ];
    const results = await Promise.all(cases.map(([args]) => paperchat(args)));
    cases.forEach(([args, stderr], i) => {
      expect({ args, ...results[i]! }).toEqual({ args, code: 2, stdout: '', stderr });
    });
  });
});

describe('paperchat ingest and ask', () => {
  it('ingests with one plain progress line per step when stderr is not a terminal, no escape codes', async () => {
    const { code, stdout, stderr } = await paperchat(['ingest', '--corpus', corpus, '--index', index]);
    expect(code, stderr).toBe(0);
    const lines = stderr.trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(['ingest: 2 files in the corpus', 'ingest: reading 1/2 note.md', 'ingest: reading 2/2 review.txt']);
    expect(lines).toContain('ingest: writing the index');
    expect(lines.filter((line) => line.startsWith('ingest: indexing'))).toHaveLength(1);
    expect(lines.filter((line) => /^ingest: embedding \d+\/\d+ chunks$/.test(line)).length).toBeGreaterThan(1);
    expect(stderr).not.toMatch(/[\r\u001b]/);
    expect(stdout).toMatch(/^Index written to /);
  });

  it('prints only the answer object on stdout with --json, through npx as well', async () => {
    const question = 'What does ZW25 stand for?';
    const [direct, npx] = await Promise.all([
      paperchat(['ask', '--json', '--index', index, question]),
      paperchat(['--no', '--', 'paperchat', 'ask', '--json', '--index', index, question], {}, 'npx', []),
    ]);
    const withoutTimings = (stdout: string) => {
      const { timings: _unused, ...answer } = JSON.parse(stdout) as Record<string, unknown>;
      return answer;
    };
    for (const result of [direct, npx]) {
      expect(result.code, result.stderr).toBe(0);
      const answer = withoutTimings(result.stdout) as { answer: string; mode: string };
      expect(answer).toMatchObject({ mode: 'extractive', abstained: false });
      expect(answer.answer).toMatch(/zanidatamab/i);
    }
    expect(withoutTimings(npx.stdout)).toEqual(withoutTimings(direct.stdout));
  });

  it('prints the ingest summary as JSON alone on stdout, progress on stderr', async () => {
    const { code, stdout, stderr } = await paperchat(['ingest', '--json', '--corpus', corpus, '--index', index]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ papers: 2, unchanged: ['note.md', 'review.txt'], failed: [] });
    expect(stderr).toMatch(/^ingest: 2 files in the corpus\n/);
  });
});

describe.skipIf(!hasScript)('paperchat ingest on a terminal', () => {
  it('draws a progress bar of files and chunks, rewritten in place and coloured, and no colour with NO_COLOR', async () => {
    const args = (name: string) => ['ingest', '--corpus', corpus, '--index', join(dir.path, name)];
    const [coloured, plain] = await Promise.all([onTerminal(args('coloured')), onTerminal(args('plain'), { NO_COLOR: '1' })]);
    for (const result of [coloured, plain]) {
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toMatch(/\r\u001b\[2Kingest: \S*[█░]+ 1\/2 files {2}review\.txt/);
      expect(result.stdout).toMatch(/\r\u001b\[2Kingest: \S*█+\S* \d+\/\d+ chunks {2}embedding/);
      expect(result.stdout).not.toMatch(/ingest: reading /);
      expect(result.stdout).toMatch(/Index written to /);
    }
    expect(coloured.stdout).toContain('\u001b[32m█');
    expect(plain.stdout).not.toMatch(/\u001b\[\d*m/);
  });
});

describe('paperchat serve', () => {
  it('serves the index on the port asked for, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--index', index, '--offline'], { cwd: REPO, env: cleanEnv({ OPENAI_API_KEY: 'sk-test-not-used' }) });
    let stderr = '';
    child.stderr.on('data', (data) => (stderr += String(data)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let url: string | undefined;
      for (let waited = 0; waited < 30_000 && !url; waited += 100) {
        url = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr)?.[1];
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(url, stderr).toBeDefined();
      expect(stderr).toMatch(/serving 2 paper\(s\), offline \(extractive\) answers/);
      const health = (await (await fetch(`${url}/api/health`)).json()) as { mode: string };
      expect(health.mode).toBe('extractive');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
