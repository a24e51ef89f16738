/**
 * The ingest lock, taken by real processes at once: one holder at a time, also when every one
 * of them finds the stale lock a killed ingest left behind.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { REPO, tempDir } from '../support/fixtures.ts';

const run = promisify(execFile);
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.remove();
});

/** A process that takes the lock at `startAt` (or fails), holds it 200 ms, and logs "+pid" / "-pid". */
const contender = (log: string, startAt: number) => `
  import { appendFileSync } from 'node:fs';
  const { lockIndex } = await import(${JSON.stringify(join(REPO, 'lib', 'index-store.ts'))});
  // All start together, once every process has booted.
  while (Date.now() < ${startAt}) await new Promise((resolve) => setTimeout(resolve, 1));
  let unlock;
  try { unlock = await lockIndex(${JSON.stringify(dir.path)}); } catch { process.exit(0); }
  appendFileSync(${JSON.stringify(log)}, '+' + process.pid + '\\n');
  await new Promise((resolve) => setTimeout(resolve, 200));
  appendFileSync(${JSON.stringify(log)}, '-' + process.pid + '\\n');
  await unlock();
`;

/** Most processes holding the lock at the same moment, from the log. */
function mostAtOnce(lines: string[]): number {
  let holding = 0;
  let most = 0;
  for (const line of lines) {
    holding += line.startsWith('+') ? 1 : -1;
    most = Math.max(most, holding);
  }
  return most;
}

it('lets one of many simultaneous ingests hold the lock, though all find a dead holder\'s lock', { timeout: 60_000 }, async () => {
  for (let round = 0; round < 3; round++) {
    const log = join(dir.path, `log-${round}`);
    await writeFile(log, '');
    await writeFile(join(dir.path, '.lock'), '999999999');
    const startAt = Date.now() + 4000;
    await Promise.all(Array.from({ length: 6 }, () => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', contender(log, startAt)], { cwd: REPO })));
    const lines = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    expect(mostAtOnce(lines)).toBe(1);
  }
});
