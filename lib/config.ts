/**
 * All configuration, parsed once from the environment into a typed object. Nothing else reads
 * `process.env`; entry points call `loadConfig(process.env)` and pass the result down.
 */
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { BUILT_IN_VOCABULARY } from './lexicon/vocabulary.ts';

const positiveInt = (fallback: number) =>
  z.coerce.number({ message: 'must be a whole number above 0' }).int('must be a whole number above 0').positive('must be a whole number above 0').default(fallback);
const nonNegativeInt = (fallback: number) =>
  z.coerce.number({ message: 'must be a whole number (0 turns it off)' }).int('must be a whole number (0 turns it off)').min(0, 'must be a whole number (0 turns it off)').default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value && value.trim().length > 0 ? value.trim() : undefined));

const EnvSchema = z.object({
  PAPERCHAT_CORPUS_DIR: z.string().default('corpus'),
  PAPERCHAT_INDEX_DIR: z.string().default('data/index'),
  PAPERCHAT_EMBEDDINGS: z.enum(['local', 'openai'], { message: 'must be "local" or "openai"' }).default('local'),
  PAPERCHAT_LLM: z.enum(['auto', 'off'], { message: 'must be "auto" or "off"' }).default('auto'),
  PAPERCHAT_LLM_TIMEOUT_MS: positiveInt(30_000),
  PAPERCHAT_MAX_FILE_MB: positiveInt(50),
  PAPERCHAT_RATE_LIMIT: nonNegativeInt(60),
  PAPERCHAT_CORS_ORIGINS: optionalString,
  PAPERCHAT_ALLOWED_HOSTS: optionalString,
  PAPERCHAT_INDEX_POLL_MS: positiveInt(1_000),
  PAPERCHAT_MAX_ANSWERS: positiveInt(16),
  PAPERCHAT_MAX_QUEUE: nonNegativeInt(256),
  PAPERCHAT_QUEUE_WAIT_MS: positiveInt(10_000),
  // "auto": one worker per core; 1: a single process, no cluster.
  PAPERCHAT_WORKERS: z
    .union([z.literal('auto'), z.coerce.number().int().positive('must be "auto" or a whole number above 0')], { message: 'must be "auto" or a whole number above 0' })
    .default('auto'),
  // Below Kubernetes' default 30 s grace period, so the process ends on its own before SIGKILL.
  PAPERCHAT_DRAIN_TIMEOUT_MS: positiveInt(25_000),
  PAPERCHAT_LOG: z.enum(['info', 'silent'], { message: 'must be "info" or "silent"' }).default('info'),
  // Several servers behind one address share Socket.IO events, the rate limit and index versions here.
  PAPERCHAT_REDIS_URL: optionalString.refine((value) => value === undefined || /^rediss?:\/\/\S+$/.test(value), 'must be a URL such as redis://127.0.0.1:6379'),
  // How health and the replica list name this server; the machine's name unless set.
  PAPERCHAT_SERVER_NAME: optionalString.refine((value) => value === undefined || /^[\w.-]{1,64}$/.test(value), 'must be 1 to 64 letters, digits, ".", "-" or "_"'),
  // Lets the page add papers when the server listens beyond loopback (server/upload.ts).
  PAPERCHAT_ADMIN_TOKEN: optionalString.refine((value) => value === undefined || value.length >= 16, 'must be at least 16 characters'),
  PAPERCHAT_VOCABULARY: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString.refine((value) => value === undefined || /^https?:\/\/[^\s/]+/.test(value), 'must be a URL such as http://127.0.0.1:11434/v1'),
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  OPENAI_EMBEDDING_MODEL: z.string().default('text-embedding-3-small'),
  PORT: z.coerce
    .number({ message: 'must be a port number from 0 to 65535' })
    .int('must be a port number from 0 to 65535')
    .min(0, 'must be a port number from 0 to 65535')
    .max(65_535, 'must be a port number from 0 to 65535')
    .default(3000),
  HOST: z.string().default('127.0.0.1'),
  // https://no-color.org: set and not empty turns colour off.
  NO_COLOR: optionalString,
});

export interface LlmConfig {
  apiKey: string;
  baseURL?: string;
  model: string;
  timeoutMs: number;
}

export interface Config {
  corpusDir: string;
  indexDir: string;
  maxFileBytes: number;
  /** Colour in terminal output (the ingest progress bar); false with NO_COLOR. Never used on a pipe or file. */
  color: boolean;
  /** Directories of domain vocabulary files (*.tsv): the built-in one unless configured. */
  vocabularyDirs: string[];
  embeddings:
    | { kind: 'local' }
    | { kind: 'openai'; apiKey: string; baseURL?: string; model: string };
  /** Undefined: answer offline (extractive). */
  llm?: LlmConfig;
  server: {
    port: number;
    host: string;
    /** Requests per minute per client; 0 turns limiting off. */
    rateLimitPerMinute: number;
    /** Allowed origins for CORS; empty: CORS off (same origin only). */
    corsOrigins: string[];
    /** Host names requests may name besides loopback and HOST (DNS-rebinding guard); `*`: any. */
    allowedHosts: string[];
    indexPollMs: number;
    log: boolean;
    /** Answers running at once, waiting beyond those, and how long one may wait (server/admission.ts). */
    admission: { maxActive: number; maxQueued: number; maxWaitMs: number };
    /** Needed to add papers from the page when the server does not listen on loopback; undefined: no token. */
    adminToken?: string;
    /** Server processes sharing the port (node:cluster); 1: one process, no cluster. */
    workers: number;
    /** On SIGTERM, how long answers in flight may take to finish before the server closes anyway. */
    drainTimeoutMs: number;
    /** Shared by several servers (server/redis.ts); undefined: each process on its own, as on one machine. */
    redisUrl?: string;
    /** This server's name in health and the replica list. */
    name: string;
  };
}

/** A configuration problem, reported as one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment (or any record of strings) into a `Config`. Throws `ConfigError`. */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`config: ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  if (e.PAPERCHAT_EMBEDDINGS === 'openai' && !e.OPENAI_API_KEY) {
    throw new ConfigError('config: PAPERCHAT_EMBEDDINGS=openai needs OPENAI_API_KEY');
  }
  return {
    corpusDir: resolve(cwd, e.PAPERCHAT_CORPUS_DIR),
    indexDir: resolve(cwd, e.PAPERCHAT_INDEX_DIR),
    maxFileBytes: e.PAPERCHAT_MAX_FILE_MB * 1024 * 1024,
    color: e.NO_COLOR === undefined,
    vocabularyDirs: e.PAPERCHAT_VOCABULARY ? e.PAPERCHAT_VOCABULARY.split(',').map((dir) => resolve(cwd, dir.trim())).filter(Boolean) : [BUILT_IN_VOCABULARY],
    embeddings:
      e.PAPERCHAT_EMBEDDINGS === 'openai'
        ? { kind: 'openai', apiKey: e.OPENAI_API_KEY!, ...(e.OPENAI_BASE_URL ? { baseURL: e.OPENAI_BASE_URL } : {}), model: e.OPENAI_EMBEDDING_MODEL }
        : { kind: 'local' },
    ...(e.OPENAI_API_KEY && e.PAPERCHAT_LLM === 'auto'
      ? { llm: { apiKey: e.OPENAI_API_KEY, ...(e.OPENAI_BASE_URL ? { baseURL: e.OPENAI_BASE_URL } : {}), model: e.OPENAI_MODEL, timeoutMs: e.PAPERCHAT_LLM_TIMEOUT_MS } }
      : {}),
    server: {
      port: e.PORT,
      host: e.HOST,
      rateLimitPerMinute: e.PAPERCHAT_RATE_LIMIT,
      corsOrigins: e.PAPERCHAT_CORS_ORIGINS ? e.PAPERCHAT_CORS_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean) : [],
      allowedHosts: e.PAPERCHAT_ALLOWED_HOSTS ? e.PAPERCHAT_ALLOWED_HOSTS.split(',').map((host) => host.trim()).filter(Boolean) : [],
      indexPollMs: e.PAPERCHAT_INDEX_POLL_MS,
      log: e.PAPERCHAT_LOG === 'info',
      admission: { maxActive: e.PAPERCHAT_MAX_ANSWERS, maxQueued: e.PAPERCHAT_MAX_QUEUE, maxWaitMs: e.PAPERCHAT_QUEUE_WAIT_MS },
      ...(e.PAPERCHAT_ADMIN_TOKEN ? { adminToken: e.PAPERCHAT_ADMIN_TOKEN } : {}),
      workers: e.PAPERCHAT_WORKERS === 'auto' ? availableParallelism() : e.PAPERCHAT_WORKERS,
      drainTimeoutMs: e.PAPERCHAT_DRAIN_TIMEOUT_MS,
      ...(e.PAPERCHAT_REDIS_URL ? { redisUrl: e.PAPERCHAT_REDIS_URL } : {}),
      name: e.PAPERCHAT_SERVER_NAME ?? hostname(),
    },
  };
}
