/**
 * Everyday words and the words scientific papers use for them. A question says "live longer",
 * "side effects", "stop", "hide"; the paper says "survival", "adverse events", "inhibit",
 * "mask". Each group is a set of words that may stand for one another in a question; matching
 * any of them counts as matching the question's word. Kept small and general on purpose: a
 * wrong synonym costs precision everywhere.
 */
import { searchTerms } from './text.ts';

const GROUPS: string[][] = [
  ['increase', 'increased', 'raise', 'elevate', 'upregulate', 'enhance', 'boost', 'augment', 'higher'],
  ['decrease', 'reduce', 'lower', 'downregulate', 'diminish', 'decline', 'drop', 'fewer'],
  ['improve', 'improvement', 'enhance', 'better', 'benefit', 'prolong'],
  ['survive', 'survival', 'live', 'lived', 'alive'],
  ['longer', 'prolonged', 'extended'],
  ['stop', 'block', 'inhibit', 'halt', 'suppress', 'prevent'],
  ['hide', 'mask', 'masking', 'shield', 'conceal'],
  ['keep', 'maintain', 'sustain', 'preserve'],
  ['cause', 'induce', 'trigger', 'lead'],
  ['side effect', 'adverse event', 'toxicity', 'adverse reaction'],
  ['worse', 'exacerbate', 'aggravate', 'worsen'],
  ['cost', 'price', 'expense'],
  ['drug', 'agent', 'medication', 'medicine', 'therapy'],
  ['tumor', 'tumour', 'cancer', 'neoplasm', 'malignancy'],
  ['patient', 'people', 'subject', 'participant'],
  ['trial', 'study'],
  ['work', 'efficacy', 'effective', 'effect'],
  ['kill', 'eliminate', 'eradicate', 'destroy', 'cytotoxic'],
  ['lose', 'loss', 'lost'],
  ['resistant', 'resistance', 'refractory', 'unresponsive'],
  ['spread', 'metastasis', 'metastatic', 'metastases'],
  ['shrink', 'regress', 'regression', 'remission', 'response'],
  ['uniform', 'homogeneous', 'consistent'],
  ['varied', 'heterogeneous', 'heterogeneity', 'vary'],
  ['rate', 'proportion', 'percentage', 'share', 'frequency'],
  ['enter', 'internalize', 'internalization', 'uptake', 'endocytosis'],
  ['bind', 'recognize', 'attach'],
  ['combine', 'combination', 'pair', 'together', 'plus'],
  ['approve', 'approval', 'authorize', 'license'],
  ['sugar', 'glucose', 'glycolysis', 'glycolytic'],
  ['fat', 'lipid', 'fatty'],
  ['gene', 'genomic', 'genome', 'chromosome'],
  ['immune', 'immunity', 'immunological'],
  ['main', 'major', 'primary', 'principal'],
];

/** Search term → the search terms of the words that may stand for it. */
export class Synonyms {
  private readonly groups = new Map<string, string[][]>();

  constructor(groups: string[][] = GROUPS) {
    for (const group of groups) {
      const forms = group.map((word) => searchTerms(word)).filter((terms) => terms.length > 0);
      for (const form of forms) {
        if (form.length !== 1) continue;
        const others = forms.filter((other) => other.join(' ') !== form.join(' '));
        this.groups.set(form[0]!, [...(this.groups.get(form[0]!) ?? []), ...others]);
      }
    }
  }

  /** The alternatives (each a list of terms) that may stand for `term`. */
  of(term: string): string[][] {
    return this.groups.get(term) ?? [];
  }
}
