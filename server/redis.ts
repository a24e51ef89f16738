/**
 * The Redis that several PaperChat servers share (PAPERCHAT_REDIS_URL): Socket.IO's adapter
 * (events reach sockets on other servers), the rate limit (one budget per client) and the list
 * of index versions the servers have loaded (server/replicas.ts).
 *
 * Redis is a help, never a condition for answering: when it is unreachable, commands fail at
 * once (no queue, a time-out), the rate limit lets questions through and one warning line says
 * so; the clients reconnect by themselves and one line says when Redis is back.
 */
import { createClient } from 'redis';
import type { Logger } from './log.ts';


export interface SharedRedis {
  /** Commands that must answer now or fail (the rate limit, the replica list, publishing). */
  readonly client: RedisClient;
  /** Subscriptions (the adapter's and index announcements); queued while reconnecting, so none is lost. */
  readonly subscriber: RedisClient;
  /** `client` for the Socket.IO adapter, whose publishes nobody awaits: their failures are noted here instead. */
  readonly publisher: RedisClient;
  /** Notes a failed command; the first failure of an outage logs one warning. */
  failed(what: string, error: unknown): void;
  close(): Promise<void>;
}

/** A command Redis has not answered in this long has failed: a question must not wait on it. */
const COMMAND_TIMEOUT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 2_000;
/** Reconnect backoff: doubling from the first delay up to the last, for as long as it takes. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;
/** How long a starting server waits for Redis before serving without it. */
const START_WAIT_MS = 2_000;

/** A client of node-redis with PaperChat's connection options; `extra` adds the rest. */
const newClient = (url: string, extra: Omit<Parameters<typeof createClient>[0] & object, 'url' | 'socket'> = {}) =>
  createClient({ url, socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: (retries: number) => Math.min(RECONNECT_FIRST_MS * 2 ** retries, RECONNECT_MAX_MS) }, ...extra });
type RedisClient = ReturnType<typeof newClient>;

/** Connects to `url` (waiting at most START_WAIT_MS); never throws for an unreachable Redis. */
export async function connectRedis(url: string, log: Logger, fields: Record<string, unknown> = {}): Promise<SharedRedis> {
  const client = newClient(url, { disableOfflineQueue: true, commandOptions: { timeout: COMMAND_TIMEOUT_MS } });
  const subscriber = newClient(url);
  let outage = false;
  const failed = (what: string, error: unknown) => {
    if (outage) return;
    outage = true;
    log.warn('redis unreachable; answering goes on without it (rate limit open, events stay on this server) until it is back', { what, error: messageOf(error), ...fields });
  };
  client.on('error', (error: unknown) => failed('connection', error));
  subscriber.on('error', (error: unknown) => failed('subscription', error));
  client.on('ready', () => {
    if (!outage) return;
    outage = false;
    log.info('redis reachable again', fields);
  });
  const connected = Promise.all([client.connect(), subscriber.connect()]).then(
    () => true,
    () => false,
  );
  await Promise.race([connected, new Promise((resolve) => setTimeout(resolve, START_WAIT_MS).unref())]);
  return {
    client,
    subscriber,
    publisher: catchingPublishes(client, (error) => failed('publish', error)),
    failed,
    close: async () => {
      await Promise.allSettled([client, subscriber].map((each) => (each.isReady ? each.close() : each.destroy())));
    },
  };
}

/**
 * The same client, but `publish` never rejects: @socket.io/redis-adapter calls it without
 * awaiting, and a rejection nobody handles would end the process. Methods are bound to the
 * client itself (it keeps private state a proxy cannot reach).
 */
function catchingPublishes(client: RedisClient, onError: (error: unknown) => void): RedisClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const bound = (value as (...args: unknown[]) => unknown).bind(target);
      if (property !== 'publish') return bound;
      return (...args: unknown[]) => (bound(...args) as Promise<number>).catch((error: unknown) => (onError(error), 0));
    },
  });
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
