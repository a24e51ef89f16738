/**
 * The part of citation-js that PaperChat uses (the packages ship no TypeScript types). Only
 * what server/rag/reference-export.ts and its tests call is declared; widen it when you use more.
 */
declare module '@citation-js/core' {
  /** A CSL-JSON name: a person split into parts, or an organisation as `literal`. */
  export interface CslName {
    family?: string;
    given?: string;
    literal?: string;
    'non-dropping-particle'?: string;
    'dropping-particle'?: string;
    suffix?: string;
  }

  /** A CSL-JSON item, with the fields PaperChat reads or writes named; others pass through. */
  export interface CslItem {
    id: string | number;
    type: string;
    'citation-key'?: string;
    title?: string;
    author?: CslName[];
    'container-title'?: string;
    issued?: { 'date-parts'?: (number | string)[][]; literal?: string };
    volume?: string | number;
    page?: string;
    DOI?: string;
    note?: string;
    [field: string]: unknown;
  }

  /** RIS tags of one entry, as citation-js maps them (`AU` repeats, so it may be a list). */
  export type RisEntry = Record<string, string | number | (string | number)[]>;

  export class Cite {
    /** Parses any input citation-js has a plugin for (CSL-JSON, BibTeX or RIS text, …), synchronously. */
    constructor(data: unknown);
    /** The parsed items, as CSL-JSON. */
    data: CslItem[];
    format(format: 'bibtex'): string;
    format(format: 'ris', options: { format: 'object' }): RisEntry[];
    format(format: 'ris' | 'data', options?: { format?: 'text' }): string;
  }
}

// Imported for their side effect: they register their input and output formats with the core.
declare module '@citation-js/plugin-bibtex' {}
declare module '@citation-js/plugin-ris' {}
