/**
 * Configuration: defaults, the LLM switch, and one-line errors naming the variable.
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/config.ts';

describe('loadConfig', () => {
  it('defaults to offline answers on 127.0.0.1:3000 with local embeddings', () => {
    const config = loadConfig({}, '/srv/paperchat');
    expect(config).toMatchObject({
      corpusDir: '/srv/paperchat/corpus',
      indexDir: '/srv/paperchat/data/index',
      embeddings: { kind: 'local' },
      server: { port: 3000, host: '127.0.0.1', rateLimitPerMinute: 60, corsOrigins: [], log: true },
    });
    expect(config.llm).toBeUndefined();
  });

  it('uses the LLM when a key is set, unless turned off', () => {
    const env = { OPENAI_API_KEY: 'sk-x', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODEL: 'llama3.1' };
    expect(loadConfig(env).llm).toEqual({ apiKey: 'sk-x', baseURL: 'http://127.0.0.1:11434/v1', model: 'llama3.1', timeoutMs: 30_000 });
    expect(loadConfig({ ...env, PAPERCHAT_LLM: 'off' }).llm).toBeUndefined();
    expect(loadConfig({ OPENAI_API_KEY: '  ' }).llm).toBeUndefined();
  });

  it.each([
    [{ PORT: '70000' }, 'config: PORT: must be a port number from 0 to 65535'],
    [{ PAPERCHAT_RATE_LIMIT: '-1' }, 'config: PAPERCHAT_RATE_LIMIT: must be a whole number (0 turns it off)'],
    [{ PAPERCHAT_LLM: 'yes' }, 'config: PAPERCHAT_LLM: must be "auto" or "off"'],
    [{ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'localhost:11434' }, 'config: OPENAI_BASE_URL: must be a URL such as http://127.0.0.1:11434/v1'],
    [{ PAPERCHAT_EMBEDDINGS: 'openai' }, 'config: PAPERCHAT_EMBEDDINGS=openai needs OPENAI_API_KEY'],
    [{ PAPERCHAT_REDIS_URL: '127.0.0.1:6379' }, 'config: PAPERCHAT_REDIS_URL: must be a URL such as redis://127.0.0.1:6379'],
    [{ PAPERCHAT_SERVER_NAME: 'two words' }, 'config: PAPERCHAT_SERVER_NAME: must be 1 to 64 letters, digits, ".", "-" or "_"'],
  ])('rejects %o with one line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('parses CORS origins as a list', () => {
    expect(loadConfig({ PAPERCHAT_CORS_ORIGINS: 'http://a.example, http://b.example' }).server.corsOrigins).toEqual(['http://a.example', 'http://b.example']);
  });

  it('shares Redis only when PAPERCHAT_REDIS_URL is set, and names the server after the machine unless told', () => {
    expect(loadConfig({}).server.redisUrl).toBeUndefined();
    expect(loadConfig({}).server.name).toBe(hostname());
    const shared = loadConfig({ PAPERCHAT_REDIS_URL: ' rediss://user:secret@redis.internal:6380/2 ', PAPERCHAT_SERVER_NAME: 'web-1' });
    expect(shared.server).toMatchObject({ redisUrl: 'rediss://user:secret@redis.internal:6380/2', name: 'web-1' });
  });
});
