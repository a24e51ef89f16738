/**
 * A line's text. Superscript numbers after a word in running text are citations and are
 * written as `[n]` (the form the citation parser reads for every style); superscripts after a
 * number or a unit are exponents (`10^5`, `m^2`); other superscripts (affiliation marks,
 * table footnote letters) keep a caret; subscripts join their word (`CO2`, `Ptrend`).
 */
import type { Segment } from './lines.ts';
import type { Line } from './layout.ts';
import { isBodySize } from './typography.ts';

const CITATION_SUPERSCRIPT = /^\(?\d{1,3}(?:\s*[,–—-]\s*\d{1,3})*\)?$/;
const MARK = /^[*†‡§¶#∗⁎]+$/;

/** The text of each segment of a line (one for running text, several for table cells). */
export function lineCells(line: Line, bodySize: number): string[] {
  return line.segments.map((segment) => segmentString(segment, bodySize));
}

export function segmentString(segment: Segment, bodySize: number): string {
  const runningText = isBodySize(segment.size, bodySize);
  let text = '';
  for (const run of segment.runs) {
    const piece = run.text;
    if (run.script === 'base') {
      text += piece;
      continue;
    }
    const trimmed = piece.trim();
    if (trimmed.length === 0) continue;
    if (run.script === 'sub') {
      text += trimmed;
      continue;
    }
    if (MARK.test(trimmed)) {
      text += trimmed.replace(/∗|⁎/g, '*');
      continue;
    }
    if (runningText && CITATION_SUPERSCRIPT.test(trimmed) && !isExponentContext(text)) {
      const numbers = trimmed.replace(/[()]/g, '').replace(/\s*([,–—-])\s*/g, (_, separator: string) => (separator === ',' ? ', ' : '–'));
      // "decades ¹" and "decades¹" are the same citation; the space is an artefact.
      text = `${text.replace(/\s+$/, '')}[${numbers}]`;
      continue;
    }
    text += `^${trimmed}`;
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** A superscript right after a number or a unit (`10^5`, `kg/m^2`, `s^-1`) is an exponent. */
function isExponentContext(before: string): boolean {
  const tail = before.trimEnd();
  // "in 2012¹" cites; "10⁵" raises.
  if (/\d$/.test(tail)) return !/(?:^|\s)(?:19|20)\d\d$/.test(tail);
  const unit = /(?:^|[^\p{L}])(\p{L}{1,3})$/u.exec(tail)?.[1];
  if (!unit || !UNITS.has(unit)) return false;
  return /[\d\s/·×.-]$/.test(tail.slice(0, -unit.length)) || tail.length === unit.length;
}

/** Units that take exponents (SI and common derived units). */
const UNITS = new Set(['m', 's', 'g', 'l', 'cm', 'mm', 'km', 'nm', 'µm', 'μm', 'kg', 'mg', 'mol', 'ml', 'mL', 'h', 'K', 'W', 'J', 'L', 'V', 'A', 'N', 'Pa', 'Hz']);
