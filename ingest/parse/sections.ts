/**
 * The conventional parts of a scholarly article that are not its body, named as publishers
 * name them (JATS `sec-type` values and the headings of the major publishers' templates):
 * front-matter labels, back-matter sections, and the reference list. General publishing
 * vocabulary, not any one paper's.
 */

/** Labels of the front matter: "Abstract", "Keywords", article-type banners. */
export const FRONT_LABEL =
  /^(?:abstract|summary|keywords?|key ?words|highlights|graphical abstract|author summary|significance(?: statement)?|open access|(?:research|review|original|short|brief) (?:article|paper|report|communication|research)s?|research|review|article|focused review|study protocol|case report)\b/i;

/** Sections after the body: declarations, contributions, funding, supplementary material. */
export const BACK_MATTER =
  /^(?:\d+(?:\.\d+)*\.?\s+)?(?:acknowledge?ments?|grant disclosures|funding(?: information| sources?| statement)?|financial (?:support|disclosures?)|conflicts? of interests?|competing interests?|declarations?(?: of (?:competing )?interests?)?|disclosures?|authors?['’`´]?s?['’`´]? (?:contributions?|information|details)|contributors?|author details|ethics(?: approval| statement|al approval)?(?: and consent.*)?|consent(?: for publication| to participate)?|(?:availability of (?:data|supporting data)|data availability|code availability|data and code availability)(?: statement)?|abbreviations|list of abbreviations|additional (?:files?|information)(?: and declarations)?|supplementa(?:ry|l) (?:materials?|information|data|files?)|supporting information|electronic supplementary material|appendix(?: [A-Z\d]+)?|appendices|publisher['’]?s note|open access|(?:received|accepted|published|revised)\b.*|notes?|endnotes?|description of authors['’´]? roles|submit your (?:next )?manuscript.*|correspondence|corresponding authors?|nomenclature|symbols|greek (?:letters|symbols)|subscripts|superscripts|key (?:messages|points)|what (?:is already known|this (?:study|paper) adds).*|orcid(?: id| ids)?|citation|copyright.*|how to cite(?: this article)?|cite this article(?: as)?)(?: statements?)?$/i;

/** The reference list's heading. */
export const REFERENCES_HEADING = /^#*\s*(?:references?(?: and notes?)?|bibliography|literature cited|works cited|cited literature)\s*:?$/i;

/** The labels of a structured abstract (ICMJE, CONSORT and BMC conventions). */
export const ABSTRACT_LABEL =
  /^(?:background|objectives?|aims?|purpose|context|introduction|methods?(?:\/design)?|(?:study )?design|setting|participants|patients|interventions?|main outcome measures?|measurements|results|findings|conclusions?|interpretation|implications|discussion|trial registration|registration|funding|significance|limitations)$/i;
