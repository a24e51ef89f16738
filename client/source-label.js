/**
 * Short labels that say what each cited passage is: "Table 2 · T-DXd" (a table row: its table
 * and the cell naming the row), "§3.2.2 T-DXd · p. 7" (a paragraph: its section and page),
 * "Ref. 75 · Shitara 2020" (a reference entry: its number, first author and year), "Fig. 3 ·
 * p. 5" (a caption). Made only from the fields of the answer object, so they work for any
 * paper; pure functions, no DOM.
 */

/**
 * @typedef {import('./render.js').Citation} Citation
 * @typedef {import('./render.js').CitedReference} CitedReference
 * @typedef {{ label: string, header: string[], cells: string[], row: number, nameColumn: number }} Row
 */

/** Longer names are cut at a word (the panel shows the whole row). */
const MAX_NAME_CHARS = 40;

/**
 * Labels by citation number. Rows of one table always get different labels: when the naming
 * cells of two cited rows are equal, a column that tells them apart is added (else the row number).
 * @param {Citation[]} citations
 * @param {CitedReference[]} references the answer's references (authors and years of cited entries)
 * @returns {Map<number, string>}
 */
export function sourceLabels(citations, references) {
  /** @type {Map<number, string>} */
  const labels = new Map();
  /** @type {Map<string, { n: number, row: Row }[]>} */
  const tables = new Map();
  for (const citation of citations) {
    const row = citation.kind === 'table-row' ? rowOf(citation) : undefined;
    if (!row) {
      labels.set(citation.n, passageLabel(citation, references));
      continue;
    }
    const key = `${citation.docId}\u0000${row.label}`;
    tables.set(key, [...(tables.get(key) ?? []), { n: citation.n, row }]);
  }
  for (const rows of tables.values()) {
    for (const [n, label] of rowLabels(rows)) labels.set(n, label);
  }
  return labels;
}

/**
 * @param {{ n: number, row: Row }[]} rows cited rows of one table
 * @returns {[number, string][]}
 */
function rowLabels(rows) {
  const nameOf = (/** @type {Row} */ row) => cell(row, row.nameColumn) || row.cells.find((value) => value.trim()) || '';
  return rows.map(({ n, row }) => {
    const name = nameOf(row);
    const twins = rows.filter((other) => nameOf(other.row) === name);
    if (name && twins.length === 1) return [n, `${row.label} · ${shorten(name)}`];
    // The first other column whose cells differ across the rows sharing this name.
    const width = Math.max(...twins.map((twin) => twin.row.cells.length));
    for (let column = 0; column < width; column++) {
      if (column === row.nameColumn) continue;
      const values = twins.map((twin) => cell(twin.row, column));
      if (values.every(Boolean) && new Set(values).size === values.length) {
        return [n, [row.label, name && shorten(name), shorten(cell(row, column))].filter(Boolean).join(' · ')];
      }
    }
    return [n, [row.label, name && shorten(name), `row ${row.row}`].filter(Boolean).join(' · ')];
  });
}

/**
 * @param {Row} row
 * @param {number} column
 */
function cell(row, column) {
  return (row.cells[column] ?? '').trim();
}

/**
 * A row's table and cells: from the citation's `table`, or read back from the row's text
 * ("Table 2. ADC: T-DM1; Target: HER-2.", as ingest writes it) for answers saved before
 * citations carried their cells.
 * @param {{ text: string, table?: Citation['table'] }} citation a citation or a passage
 * @returns {Row | undefined}
 */
export function rowOf(citation) {
  if (citation.table && citation.table.cells.length > 0) {
    const { label, header, cells } = citation.table;
    return { label, header, cells, row: citation.table.row ?? 1, nameColumn: citation.table.nameColumn ?? 0 };
  }
  const match = /^(.{1,40}?)\.\s+(.*?)\.?$/s.exec(citation.text);
  if (!match) return undefined;
  const pairs = match[2].split(/;\s+/).map((pair) => /^([^:]{1,80}):\s*(.*)$/s.exec(pair));
  if (pairs.some((pair) => !pair)) return undefined;
  const found = /** @type {RegExpExecArray[]} */ (pairs);
  return { label: match[1], header: found.map((pair) => pair[1]), cells: found.map((pair) => pair[2]), row: 1, nameColumn: 0 };
}

/**
 * @param {Citation} citation
 * @param {CitedReference[]} references
 */
function passageLabel(citation, references) {
  const page = citation.page !== undefined ? `p. ${citation.page}` : '';
  if (citation.kind === 'reference') return referenceLabel(citation, references);
  if (citation.kind === 'figure-caption') return [captionLabel(citation.text), page].filter(Boolean).join(' · ');
  return [sectionLabel(citation.section), page].filter(Boolean).join(' · ');
}

/**
 * "3.2.2 T-DXd" → "§3.2.2 T-DXd"; an unnumbered heading stays as it is.
 * @param {string} section
 */
export function sectionLabel(section) {
  const numbered = /^((?:\d+|[A-Z])(?:\.\d+)*)\.?\s+(\S.*)$/.exec(section.trim());
  if (numbered && /\d/.test(numbered[1])) return `§${numbered[1]} ${shorten(numbered[2])}`;
  return shorten(section.trim()) || 'Paragraph';
}

/**
 * "Figure 3. Survival by arm…" → "Fig. 3"; "Table 1. …" (a table whose rows were not read) → "Table 1".
 * @param {string} text
 */
function captionLabel(text) {
  const match = /^(fig(?:ure)?s?\.?|table|scheme|chart|box|plate)\s*([A-Z]?\d+[A-Za-z]?)\b/i.exec(text.trim());
  if (!match) return 'Caption';
  const word = /^fig/i.test(match[1]) ? 'Fig.' : match[1].charAt(0).toUpperCase() + match[1].slice(1).toLowerCase();
  return `${word} ${match[2]}`;
}

/**
 * "Ref. 75 · Shitara 2020": the entry's own number, its first author's family name and year.
 * @param {Citation} citation
 * @param {CitedReference[]} references
 */
function referenceLabel(citation, references) {
  const n = citation.refs[0] ?? Number(/^\[(\d+)\]/.exec(citation.text)?.[1]);
  const entry = references.find((reference) => reference.docId === citation.docId && reference.n === n);
  const author = entry?.authors[0] ? familyName(entry.authors[0]) : familyName(/^(?:\[\d+\]\s*)?([^,.]+)/.exec(citation.text)?.[1] ?? '');
  const year = entry?.year ?? Number(/\((1[89]\d\d|20\d\d)\)/.exec(citation.text)?.[1] ?? /\b(1[89]\d\d|20\d\d)\b/.exec(citation.text)?.[1]);
  const who = [author, Number.isFinite(year) && year > 0 ? String(year) : ''].filter(Boolean).join(' ');
  return [Number.isFinite(n) ? `Ref. ${n}` : 'Reference', who].filter(Boolean).join(' · ');
}

/**
 * The family name of an author as reference lists print them: "Shitara K" → Shitara, "Van
 * Cutsem E" → Van Cutsem, "Smith, J." → Smith; an organisation is kept whole (then shortened).
 * @param {string} author
 */
export function familyName(author) {
  const name = author.trim().replace(/\s+/g, ' ');
  if (name.includes(',')) return name.split(',')[0].trim();
  const words = name.split(' ');
  let end = words.length;
  // Initials come after the family name: "YJ", "K.", "J-P".
  while (end > 1 && /^[A-Z][A-Z.\-]{0,4}$/.test(words[end - 1])) end--;
  if (end < words.length) return words.slice(0, end).join(' ');
  return words.length <= 3 ? words[words.length - 1] : shorten(name);
}

/**
 * @param {string} text
 * @param {number} [max]
 */
export function shorten(text, max = MAX_NAME_CHARS) {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.(]+$/, '')}…`;
}
