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

/** Progress on stderr: one rewritten line on a terminal, a few plain lines otherwise. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): (event: ProgressEvent) => void {
  const tty = stream.isTTY === true;
  let lastEmbedLine = -1;
  const line = (text: string) => {
    if (tty) stream.write(`\r\x1b[2K${text}`);
    else stream.write(`${text}\n`);
  };
  return (event) => {
    switch (event.phase) {
      case 'scan':
        line(`ingest: ${event.files} file${event.files === 1 ? '' : 's'} in the corpus`);
        break;
      case 'parse':
        if (tty) line(`ingest: reading ${event.done + 1}/${event.total} ${printable(event.file)}`);
        break;
      case 'embed': {
        if (event.total === 0) break;
        const tenth = Math.floor((event.done / event.total) * 10);
        if (tty) line(`ingest: embedding ${event.done}/${event.total} chunks`);
        else if (tenth !== lastEmbedLine) line(`ingest: embedding ${event.done}/${event.total} chunks`);
        lastEmbedLine = tenth;
        break;
      }
      case 'index':
        line(`ingest: indexing ${event.chunks} chunks`);
        break;
      case 'write':
        line('ingest: writing the index');
        break;
      case 'notice':
        if (tty) stream.write('\r\x1b[2K');
        stream.write(`ingest: ${event.message}\n`);
        break;
    }
    if (tty && event.phase === 'write') stream.write('\r\x1b[2K');
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

