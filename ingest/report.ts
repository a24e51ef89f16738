/**
 * How ingest talks to people: progress while it works, a summary when it is done.
 */
import { relative } from 'node:path';
import type { BuildReport, ProgressEvent } from './build.ts';

/**
 * A file name as a terminal may show it: control characters (a newline, an escape sequence that
 * would recolour or rewrite the screen) written as JSON escapes, so one error stays one line.
 */
export function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => JSON.stringify(char).slice(1, -1));
}

export interface ProgressOptions {
  /** Colour the bar (only ever on a terminal); false for NO_COLOR (config.color). */
  color?: boolean;
}

const BAR_WIDTH = 20;

/** `████████░░░░ 3/8 files`: the filled share of the bar, green when colour is allowed. */
function progressBar(done: number, total: number, unit: string, color: boolean): { text: string; width: number } {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * BAR_WIDTH) : BAR_WIDTH;
  const bar = '█'.repeat(filled);
  const rest = '░'.repeat(BAR_WIDTH - filled);
  const count = ` ${done}/${total} ${unit}`;
  return { text: `${color && bar ? `\x1b[32m${bar}\x1b[39m` : bar}${rest}${count}`, width: BAR_WIDTH + count.length };
}

/** Fits `tail` (a file name) into what is left of the terminal's width, cutting its start. */
function fitted(tail: string, used: number, columns: number | undefined): string {
  // A terminal that reports no size (a bare pseudo-terminal says 0) is taken as 80 wide.
  const room = (columns || 80) - used - 1;
  if (tail.length <= room) return tail;
  return room > 1 ? `…${tail.slice(tail.length - room + 1)}` : '';
}

/**
 * Progress on stderr. On a terminal: one line rewritten in place, a bar of files read and then of
 * chunks embedded, with the file being read. Elsewhere (a pipe, a CI log): one plain line per
 * step — each file, every tenth of the embedding, indexing, writing — with no escape codes.
 */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr, options: ProgressOptions = {}): (event: ProgressEvent) => void {
  const tty = stream.isTTY === true;
  const color = tty && options.color === true;
  let lastEmbedLine = -1;
  let indexed = false;
  const line = (text: string) => {
    if (tty) stream.write(`\r\x1b[2K${text}`);
    else stream.write(`${text}\n`);
  };
  const bar = (done: number, total: number, unit: string, tail: string) => {
    const { text, width } = progressBar(done, total, unit, color);
    const used = 'ingest: '.length + width + 2;
    line(`ingest: ${text}${tail ? `  ${fitted(tail, used, stream.columns)}` : ''}`);
  };
  return (event) => {
    switch (event.phase) {
      case 'scan':
        line(`ingest: ${event.files} file${event.files === 1 ? '' : 's'} in the corpus`);
        if (tty) stream.write('\n');
        break;
      case 'parse':
        if (tty) bar(event.done, event.total, 'files', printable(event.file));
        else line(`ingest: reading ${event.done + 1}/${event.total} ${printable(event.file)}`);
        break;
      case 'embed': {
        if (event.total === 0) break;
        const tenth = Math.floor((event.done / event.total) * 10);
        if (tty) bar(event.done, event.total, 'chunks', 'embedding');
        else if (tenth !== lastEmbedLine) line(`ingest: embedding ${event.done}/${event.total} chunks`);
        lastEmbedLine = tenth;
        break;
      }
      case 'index':
        // Announced before and after the indexes are built: one line is enough.
        if (!indexed) line(`ingest: indexing ${event.chunks} chunks`);
        indexed = true;
        break;
      case 'write':
        // The last progress line stays, so what follows (the summary, errors) starts on its own line.
        line('ingest: writing the index');
        if (tty) stream.write('\n');
        break;
      case 'notice':
        if (tty) stream.write('\r\x1b[2K');
        stream.write(`ingest: ${event.message}\n`);
        break;
    }
  };
}

export function describe(report: BuildReport): string {
  const kinds = Object.entries(report.chunksByKind)
    .filter(([, count]) => count > 0)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
  const where = relative(process.cwd(), report.indexDir) || '.';
  const lines = [
    report.version ? `Index written to ${where} (${report.version})` : `Index in ${where} is up to date`,
    `  papers:     ${report.papers} (${report.parsed.length} parsed, ${report.unchanged.length} unchanged, ${report.removed.length} removed, ${report.failed.length} failed)`,
    `  chunks:     ${report.chunks}${kinds ? ` (${kinds})` : ''}`,
    `  references: ${report.references}`,
    `  glossary:   ${report.glossary} entries`,
    `  embeddings: ${report.embedded} embedded, ${report.reused} reused`,
    `  time:       ${(report.ms / 1000).toFixed(2)} s`,
  ];
  return lines.join('\n');
}

