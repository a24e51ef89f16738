/**
 * The rate limit on questions: one budget per client, whichever way it asks. A server makes one
 * limiter and hands it to every transport (HTTP's POST /api/ask and /v1/chat/completions,
 * Socket.IO's `ask`), so they draw from the same count. With Redis (PAPERCHAT_REDIS_URL) the
 * count lives there, shared by every worker and machine; without it, in this process's memory.
 * The MCP server over stdio has its own limiter for its one client.
 *
 * Windows are fixed: a client's minute starts with its first question (rate-limiter-flexible).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { SharedRedis } from './redis.ts';

export interface RateCounts {
  limit: number;
  remaining: number;
  /** Seconds until the client's window ends: when a refused client may ask again. */
  resetSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  /** Undefined when the count could not be read (Redis unreachable: the question is let through). */
  counts?: RateCounts;
}

export interface QuestionLimiter {
  /** Questions per minute per client; 0: no limit. */
  readonly perMinute: number;
  /** Counts one question for `key` (see `clientKey`); refused when the budget is spent. */
  consume(key: string): Promise<RateDecision>;
}

/** The limit counts questions per minute. */
export const RATE_WINDOW_SECONDS = 60;
const KEY_PREFIX = 'paperchat:rate';

/** A limiter of `perMinute` questions per client: in Redis when given, else in memory. */
export function createRateLimiter(perMinute: number, redis?: SharedRedis): QuestionLimiter {
  if (perMinute <= 0) return { perMinute: 0, consume: async () => ({ allowed: true }) };
  const options = { points: perMinute, duration: RATE_WINDOW_SECONDS, keyPrefix: KEY_PREFIX };
  const store: RateLimiterAbstract = redis ? new RateLimiterRedis({ ...options, storeClient: redis.client, useRedisPackage: true }) : new RateLimiterMemory(options);
  const countsOf = (result: RateLimiterRes): RateCounts => ({ limit: perMinute, remaining: result.remainingPoints, resetSeconds: Math.max(1, Math.ceil(result.msBeforeNext / 1000)) });
  return {
    perMinute,
    consume: async (key) => {
      try {
        return { allowed: true, counts: countsOf(await store.consume(key)) };
      } catch (outcome) {
        // rate-limiter-flexible refuses with a RateLimiterRes; anything else is the store failing.
        if (outcome instanceof RateLimiterRes) return { allowed: false, counts: countsOf(outcome) };
        redis?.failed('rate limit', outcome);
        return { allowed: true };
      }
    },
  };
}

/** IPv6 clients are counted by their /56 network, as express-rate-limit does: one host usually has many addresses. */
const IPV6_PREFIX_BITS = 56;
const IPV6_GROUPS = 8;
const BITS_PER_GROUP = 16;

/**
 * The rate-limit key of a client address: IPv4 as it is (also when written as an IPv4-mapped
 * IPv6 address, as a server listening on `::` sees it), IPv6 by its /56 network.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.split('%')[0]!;
  if (isIPv4(bare) || !isIPv6(bare)) return bare;
  const groups = ipv6Groups(bare);
  const full = Math.floor(IPV6_PREFIX_BITS / BITS_PER_GROUP);
  const partBits = IPV6_PREFIX_BITS % BITS_PER_GROUP;
  const kept = groups.slice(0, full);
  if (partBits > 0) kept.push(groups[full]! & (0xffff << (BITS_PER_GROUP - partBits)) & 0xffff);
  return `${kept.map((group) => group.toString(16)).join(':')}::/${IPV6_PREFIX_BITS}`;
}

/** The eight 16-bit groups of a valid IPv6 address (`::` expanded, a trailing IPv4 part as two groups). */
function ipv6Groups(address: string): number[] {
  const withoutIpv4 = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a: string, b: string, c: string, d: string) =>
    [(Number(a) << 8) | Number(b), (Number(c) << 8) | Number(d)].map((group) => group.toString(16)).join(':'),
  );
  const [head = '', tail] = withoutIpv4.split('::');
  const parse = (part: string) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(IPV6_GROUPS - left.length - right.length).fill(0), ...right];
}
