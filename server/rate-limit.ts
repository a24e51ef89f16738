/**
 * A small in-process rate limit for transports that express-rate-limit does not cover
 * (Socket.IO, the MCP server over stdio).
 */

/** A sliding one-minute window per key (a client address; for MCP, the process's one client). */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly perMinute: number) {}

  /** Counts a hit for `key`; false (and not counted) when it already had `perMinute` in the last minute. */
  allow(key: string): boolean {
    if (this.perMinute <= 0) return true;
    const now = Date.now();
    const recent = (this.hits.get(key) ?? []).filter((time) => now - time < 60_000);
    if (recent.length >= this.perMinute) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(key, recent);
    return true;
  }
}
