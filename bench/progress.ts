/** Progress on stderr as the run goes, so a long benchmark never looks hung. */

export interface Progress {
  /** One line: `[bench 01:02.3] section: message`. */
  say(section: string, message: string): void;
}

export function stderrProgress(write: (line: string) => void = (line) => process.stderr.write(line)): Progress {
  const started = performance.now();
  return {
    say(section, message) {
      const seconds = (performance.now() - started) / 1000;
      const clock = `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${(seconds % 60).toFixed(1).padStart(4, '0')}`;
      write(`[bench ${clock}] ${section}: ${message}\n`);
    },
  };
}

/** A progress that prints nothing (for the load client and for library use). */
export const silentProgress: Progress = { say: () => undefined };
