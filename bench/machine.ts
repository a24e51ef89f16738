/** The machine a run happened on: figures mean little without it. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { arch, availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { promisify } from 'node:util';

export interface Machine {
  cpuModel: string;
  /** Logical cores the process may use. */
  cores: number;
  ramBytes: number;
  os: string;
  kernel: string;
  arch: string;
  node: string;
  /** The commit measured, with "+dirty" when the tree has uncommitted changes. */
  commit?: string;
}

export async function describeMachine(repo: string): Promise<Machine> {
  const models = [...new Set(cpus().map((cpu) => cpu.model.trim()))];
  return {
    cpuModel: models.join(' + ') || 'unknown',
    cores: availableParallelism(),
    ramBytes: totalmem(),
    os: (await osName()) ?? `${platform()} ${release()}`,
    kernel: `${platform()} ${release()}`,
    arch: arch(),
    node: process.version,
    ...(await gitCommit(repo).then((commit) => (commit ? { commit } : {}))),
  };
}

async function osName(): Promise<string | undefined> {
  try {
    const text = await readFile('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

async function gitCommit(repo: string): Promise<string | undefined> {
  const run = promisify(execFile);
  try {
    const head = (await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repo })).stdout.trim();
    const status = (await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repo })).stdout.trim();
    return status ? `${head}+dirty` : head;
  } catch {
    return undefined;
  }
}
