/**
 * A reference entry's fields: the journal as the entry writes it.
 */
import { describe, expect, it } from 'vitest';
import { referenceFields } from '../../ingest/parse/reference-fields.ts';

describe('referenceFields', () => {
  it('keeps the last full stop of a journal name abbreviated with full stops, and adds none to one without', () => {
    expect(referenceFields('Dixon M. The determination of enzyme inhibitor constants. Biochem. J. 1953;55:170–1.').journal).toBe('Biochem. J.');
    expect(referenceFields('Comakli K, Yuksel B. Energy and exergy losses in district heating network. Appl. Therm. Eng. 24 (2004) 1009-1017.').journal).toBe('Appl. Therm. Eng.');
    expect(referenceFields('Smith A. A trial of a drug in gastric cancer. N Engl J Med. 2010;362:1-10.').journal).toBe('N Engl J Med');
    expect(referenceFields('Jones B. A core outcome set. Journal of Clinical Epidemiology, 67 (2014) 745-753.').journal).toBe('Journal of Clinical Epidemiology');
  });
});
