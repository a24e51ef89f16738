/**
 * `npm start` as a user runs it: a real process that builds the index on first start, serves,
 * logs without secrets or questions, and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, tempDir } from '../support/fixtures.ts';

const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'server', 'main.ts')], { cwd: REPO, env: { PATH: process.env.PATH ?? '', ...env } });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data) => (stdout += String(data)));
  child.stderr.on('data', (data) => (stderr += String(data)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('npm start', () => {
  it('builds the index on first start, serves, and shuts down cleanly on SIGTERM', async () => {
    const dir = await tempDir();
    try {
      await cp(join(REPO, 'corpus'), join(dir.path, 'corpus'), { recursive: true });
      const server = start({
        PAPERCHAT_CORPUS_DIR: join(dir.path, 'corpus'),
        PAPERCHAT_INDEX_DIR: join(dir.path, 'index'),
        PORT: '0',
        OPENAI_API_KEY: 'sk-test-secret-value-1234567890',
        PAPERCHAT_LLM: 'off',
      });
      let url: string | undefined;
      for (let waited = 0; waited < 60_000 && !url; waited += 100) {
        url = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(server.output().stderr)?.[1];
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(url, server.output().stderr).toBeDefined();
      expect(server.output().stderr).toMatch(/no index in .*: building it now/);
      expect(server.output().stderr).toMatch(/Index written to/);
      expect(server.output().stderr).toMatch(/offline \(extractive\) answers/);
      const question = 'Which journal published the KEYNOTE-811 trial?';
      const answer = (await (await fetch(`${url}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) })).json()) as { answer: string };
      expect(answer.answer).toMatch(/Nature/);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      const { stdout } = server.output();
      const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'http', method: 'POST', path: '/api/ask', status: 200 }));
      expect(lines).toContainEqual(expect.objectContaining({ message: 'shutting down', signal: 'SIGTERM' }));
      expect(stdout).not.toContain('sk-test-secret');
      expect(stdout).not.toContain('KEYNOTE');
    } finally {
      await dir.remove();
    }
  });

  it('explains a bad setting in one line and exits non-zero', async () => {
    const server = start({ PORT: 'not-a-port' });
    expect(await server.exited).toBe(1);
    expect(server.output().stderr.trim()).toBe('config: PORT: must be a port number from 0 to 65535');
  });
});
