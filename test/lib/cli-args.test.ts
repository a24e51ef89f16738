/**
 * The "did you mean" behind every CLI's usage errors: which typos find their option, which do not.
 */
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { argumentError, closest, editDistance } from '../../lib/cli-args.ts';

describe('editDistance', () => {
  it('counts a swap of neighbouring letters as one edit, like an insertion, deletion or substitution', () => {
    expect(editDistance('jsno', 'json')).toBe(1);
    expect(editDistance('jso', 'json')).toBe(1);
    expect(editDistance('jsonn', 'json')).toBe(1);
    expect(editDistance('jzon', 'json')).toBe(1);
    expect(editDistance('', 'json')).toBe(4);
    expect(editDistance('frobnicate', 'rebuild')).toBeGreaterThan(5);
  });
});

describe('closest', () => {
  const commands = ['ingest', 'ask', 'serve', 'eval', 'mcp'];
  it('suggests what was meant, ignoring case, and nothing for a word far from every candidate', () => {
    expect(closest('ingset', commands)).toBe('ingest');
    expect(closest('SERVE', commands)).toBe('serve');
    expect(closest('mpc', commands)).toBe('mcp');
    expect(closest('as', commands)).toBe('ask');
    expect(closest('frobnicate', commands)).toBeUndefined();
    expect(closest('start', commands)).toBeUndefined();
    // One candidate the word begins: `--thr` for --thresholds.
    expect(closest('thr', ['set', 'thresholds', 'limit'])).toBe('thresholds');
  });
});

describe('argumentError', () => {
  const options = { json: { type: 'boolean' }, index: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
  const messageFor = (args: string[], allowPositionals = false) => {
    try {
      parseArgs({ args, options, allowPositionals });
    } catch (error) {
      return argumentError('ask', error, options);
    }
    throw new Error('parsed');
  };
  it('is one line, with a suggestion when there is one and without the parser\'s advice', () => {
    expect(messageFor(['--jsno'], true)).toBe("ask: unknown option '--jsno'; did you mean --json?");
    expect(messageFor(['--verbose'], true)).toBe("ask: unknown option '--verbose' (see --help)");
    expect(messageFor(['-x'])).toBe("ask: unknown option '-x' (see --help)");
    expect(messageFor(['json'])).toBe("ask: unexpected argument 'json'; did you mean --json?");
    expect(messageFor(['what'])).toBe("ask: unexpected argument 'what': this command takes none (see --help)");
    expect(messageFor(['--index'])).toBe("ask: option '--index' needs a value");
    expect(messageFor(['--index', '--json'])).toBe("ask: option '--index' needs a value (one starting with a dash is written --index=-…)");
    expect(messageFor(['--json=yes'])).toBe("ask: option '--json' takes no value");
  });
});
