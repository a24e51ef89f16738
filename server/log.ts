/**
 * Structured logs: one JSON object per line on stdout. Messages carry what was done and how
 * long it took, never secrets and never the text of users' questions.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  /** Something degraded that the server works around (Redis unreachable: limits fail open). */
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(enabled: boolean, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const emit = (level: string, message: string, fields: Record<string, unknown> = {}) => {
    if (!enabled) return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...redact(fields) })}\n`);
  };
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

const SECRET = /(sk-[A-Za-z0-9_-]{8,}|Bearer\s+\S+)/g;

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (/key|token|secret|authorization|password/i.test(key)) continue;
    out[key] = typeof value === 'string' ? value.replace(SECRET, '[redacted]') : value;
  }
  return out;
}
