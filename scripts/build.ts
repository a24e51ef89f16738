/**
 * `npm run build`: the server compiled to JavaScript in dist/ (tsc with tsconfig.build.json:
 * server/main.ts and everything it imports), for `npm run start:prod`, which runs it with plain
 * Node, no tsx. The compiled modules look for the files they read beside themselves (the page
 * in client/, the vocabulary files, the answering model, node_modules); dist/ holds links to
 * the checkout's own, so retraining the model or editing the page needs no rebuild. Changing
 * the code does: dist/ is what runs. `--out DIR` compiles elsewhere (the build test does).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const REPO = resolve(import.meta.dirname, '..');
/** Read at run time relative to the module that reads them (see `import.meta.dirname` in each). */
const LINKED = ['client', 'node_modules', 'lib/lexicon/vocabulary', 'server/rag/answer-model.json', 'lib/lexicon/instruction-cues.txt'];

async function build(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } } });
  const out = resolve(values.out ?? join(REPO, 'dist'));
  await rm(out, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(REPO, 'tsconfig.build.json'), '--outDir', out], { cwd: REPO, stdio: 'inherit' });
  if (compiled.status !== 0) {
    process.stderr.write(`build: tsc failed (above); ${out} is incomplete\n`);
    return 1;
  }
  for (const path of LINKED) {
    const link = join(out, path);
    await mkdir(dirname(link), { recursive: true });
    await symlink(relative(dirname(link), join(REPO, path)), link);
  }
  const run = values.out ? `node ${join(out, 'server', 'main.js')}` : 'npm run start:prod';
  process.stderr.write(`build: compiled the server to ${relative(process.cwd(), out) || out}/; run it with ${run}\n`);
  return 0;
}

build(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
