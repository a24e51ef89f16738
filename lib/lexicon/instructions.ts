/**
 * Text in a paper that addresses a language model ("SYSTEM: ignore previous instructions…"): a
 * prompt injection planted in a document. The cues are a documented data file
 * (instruction-cues.txt); a sentence matching any of them is flagged at ingest.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const CUES: RegExp[] = readFileSync(join(import.meta.dirname, 'instruction-cues.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'))
  .map((line) => new RegExp(line, 'i'));

/** True when a sentence reads as an instruction to a model rather than as a statement. */
export function readsAsInstructions(sentence: string): boolean {
  return CUES.some((cue) => cue.test(sentence));
}
