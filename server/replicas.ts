/**
 * Which index version each server has loaded, when several share Redis (PAPERCHAT_REDIS_URL).
 *
 * Every serving process (a server, or each worker of one) keeps a report in Redis — its name,
 * worker, the version it answers from and since when — refreshed every REPORT_EVERY_MS and
 * expiring when not refreshed, so a server that is gone drops out of the list. When it loads a
 * new version it publishes that version; the others then look at their own index's CURRENT
 * pointer at once instead of at their next poll (on a network file system a file's attributes
 * may be cached longer than PAPERCHAT_INDEX_POLL_MS). A server only ever loads what its own
 * CURRENT names: the announcement is a nudge, not a command, so servers that do not share one
 * index directory stay on their own versions and `agreed` says false.
 *
 * `/api/health` shows the list (server/health.ts). It is what a deploy script or a person
 * checks after a re-ingest: every server of the list on the version CURRENT names.
 */
import { randomUUID } from 'node:crypto';
import type { Engine } from './engine.ts';
import type { SharedRedis } from './redis.ts';

export interface ReplicaIdentity {
  /** PAPERCHAT_SERVER_NAME (the machine's name unless set). */
  server: string;
  /** The worker's number in a cluster (PAPERCHAT_WORKERS above 1). */
  worker?: number;
}

export interface ReplicaReport extends ReplicaIdentity {
  /** The index version it answers from. */
  index: string;
  /** When it loaded that version. */
  loadedAt: string;
}

/** The servers' reports, or why they could not be read. */
export type ReplicaView = { agreed: boolean; servers: ReplicaReport[] } | { error: string };

const KEY_PREFIX = 'paperchat:replica:';
/**
 * The set of report keys, so that the list reads only those (a SCAN would walk every key,
 * the rate limit's one per client included). A member whose report expired is removed there.
 */
const MEMBERS = 'paperchat:replicas';
const CHANNEL = 'paperchat:index-loaded';
const REPORT_EVERY_MS = 5_000;
/** Three missed reports: the server is gone (or cut off from Redis). */
const REPORT_TTL_MS = 3 * REPORT_EVERY_MS;

export class Replicas {
  /** One key per process: two servers may share a name by mistake, or run on one machine. */
  private readonly key = `${KEY_PREFIX}${randomUUID()}`;
  private loadedAt = new Date().toISOString();
  private timer: NodeJS.Timeout | undefined;
  private stopListening: (() => void) | undefined;
  private readonly onAnnouncement = (version: string) => {
    if (version !== this.engine.library.index.version) void this.engine.reload();
  };

  constructor(
    private readonly redis: SharedRedis,
    private readonly identity: ReplicaIdentity,
    private readonly engine: Engine,
  ) {}

  /** Reports now and every REPORT_EVERY_MS; announces each reload; listens for the others'. */
  start(): void {
    void this.report();
    this.timer = setInterval(() => void this.report(), REPORT_EVERY_MS).unref();
    this.stopListening = this.engine.onReload((version) => {
      this.loadedAt = new Date().toISOString();
      void this.report().then(() => this.redis.client.publish(CHANNEL, version).catch((error: unknown) => this.redis.failed('index announcement', error)));
    });
    this.redis.subscriber.subscribe(CHANNEL, this.onAnnouncement).catch((error: unknown) => this.redis.failed('index announcements', error));
  }

  /** Every live server's report (this one's included), by name and worker. */
  async list(): Promise<ReplicaView> {
    try {
      const keys = (await this.redis.client.sMembers(MEMBERS)).filter((key) => key !== this.key);
      const values = keys.length > 0 ? await this.redis.client.mGet(keys) : [];
      const gone = keys.filter((_key, i) => typeof values[i] !== 'string');
      if (gone.length > 0) await this.redis.client.sRem(MEMBERS, gone);
      // This server's own entry as it is now: its report in Redis may trail a reload by a moment.
      const own = this.ownReport();
      const others = values.flatMap((value) => (typeof value === 'string' ? [JSON.parse(value) as ReplicaReport] : []));
      const servers = [own, ...others].sort((a, b) => a.server.localeCompare(b.server) || (a.worker ?? 0) - (b.worker ?? 0));
      return { agreed: new Set(servers.map((report) => report.index)).size <= 1, servers };
    } catch (error) {
      this.redis.failed('replica list', error);
      return { error: 'redis unreachable: the other servers are not known' };
    }
  }

  /** Stops reporting and removes this server from the list (a drained server is gone). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopListening?.();
    await Promise.allSettled([this.redis.subscriber.unsubscribe(CHANNEL, this.onAnnouncement), this.redis.client.del(this.key), this.redis.client.sRem(MEMBERS, this.key)]);
  }

  private ownReport(): ReplicaReport {
    return { ...this.identity, index: this.engine.library.index.version, loadedAt: this.loadedAt };
  }

  private async report(): Promise<void> {
    try {
      await this.redis.client.multi().set(this.key, JSON.stringify(this.ownReport()), { PX: REPORT_TTL_MS }).sAdd(MEMBERS, this.key).exec();
    } catch (error) {
      this.redis.failed('replica report', error);
    }
  }
}
