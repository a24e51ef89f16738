/**
 * The rate limit's own rules: the key of a client address, the count in memory, and failing
 * open — with one warning line — when the shared Redis cannot be reached (a real client
 * against a port where nothing listens; redis-cluster.test.ts has a real Redis).
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/balancer.ts';
import { createLogger } from '../../server/log.ts';
import { clientKey, createRateLimiter } from '../../server/rate-limit.ts';
import { connectRedis } from '../../server/redis.ts';

describe('clientKey', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['::1', '0:0:0:0::/56'],
    ['2001:db8:abcd:12ff:1:2:3:4', '2001:db8:abcd:1200::/56'],
    ['2001:db8:abcd:1234::1', '2001:db8:abcd:1200::/56'],
    ['fe80::1%eth0', 'fe80:0:0:0::/56'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/56'],
    [undefined, 'unknown'],
  ])('keys %s as %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });
});

describe('createRateLimiter', () => {
  it('counts per key in memory and refuses past the budget, saying when to come back', async () => {
    const limiter = createRateLimiter(2);
    expect(await limiter.consume('a')).toMatchObject({ allowed: true, counts: { limit: 2, remaining: 1 } });
    expect(await limiter.consume('a')).toMatchObject({ allowed: true, counts: { remaining: 0 } });
    const refused = await limiter.consume('a');
    expect(refused.allowed).toBe(false);
    expect(refused.counts!.resetSeconds).toBeGreaterThan(0);
    expect(refused.counts!.resetSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.consume('b')).allowed).toBe(true);
  });

  it('lets everything through at 0', async () => {
    const limiter = createRateLimiter(0);
    for (let i = 0; i < 5; i++) expect((await limiter.consume('a')).allowed).toBe(true);
  });

  it('fails open with one warning line when Redis cannot be reached', async () => {
    const port = await freePort();
    const lines: Record<string, unknown>[] = [];
    const redis = await connectRedis(`redis://127.0.0.1:${port}`, createLogger(true, (line) => lines.push(JSON.parse(line) as Record<string, unknown>)));
    try {
      const limiter = createRateLimiter(2, redis);
      for (let i = 0; i < 5; i++) expect(await limiter.consume('a')).toEqual({ allowed: true });
      const warnings = lines.filter((line) => line.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toMatch(/redis unreachable/);
    } finally {
      await redis.close();
    }
  });
});
