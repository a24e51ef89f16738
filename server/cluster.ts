/**
 * Every core of one machine: a primary process owns the port and hands connections to
 * PAPERCHAT_WORKERS workers, each running the whole server (server/serve.ts) over its own copy
 * of the index and watching for re-ingests by itself; SIGTERM to the primary drains them all.
 *
 * Routing is @socket.io/sticky's: the primary reads the head of each new connection and passes
 * it to a worker, round-robin, except that a Socket.IO request naming a session (`sid=`) goes
 * to the worker holding it: the page's client starts on HTTP long-polling, whose requests must
 * all reach one process. Its price, in the workers: no HTTP keep-alive (a reused connection
 * could carry another session's request to the wrong worker), and requests with a body are
 * relayed through the primary over IPC. @socket.io/cluster-adapter makes broadcasts span the
 * workers: an upload's progress (`io.to(socketId)`) reaches the page's socket on another worker.
 *
 * The primary never loads the index: it checks it (and builds it once, for all) before the
 * workers start, and opens the port when every worker has loaded it. A worker that dies later
 * is replaced; one that dies while starting stops the server (a bad index will not mend).
 * Admission control stays per worker; so does the rate limit, unless Redis is shared
 * (PAPERCHAT_REDIS_URL), which then also carries Socket.IO's events (docs/DEPLOY.md).
 *
 * SIGTERM drains the workers in step, led by the primary over IPC (WorkerPool.stop): signals
 * reach each worker at its own moment, so one worker used to say "draining" while its sibling
 * still answered new questions, and one that finished first closed while the primary still
 * handed it connections.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer, type Server as HttpServer } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import { createAdapter, setupPrimary as setupAdapterPrimary } from '@socket.io/cluster-adapter';
import { setupMaster, setupWorker } from '@socket.io/sticky';
import type { Server as SocketServer } from 'socket.io';
import type { Config } from '../lib/config.ts';
import type { ShutdownSteps } from './drain.ts';
import { listen, urlOf } from './listen.ts';
import type { Logger } from './log.ts';

const READY = 'paperchat:ready';
const ADDRESS = 'paperchat:address';
/** Worker to primary and back: a new Socket.IO session's id, bound to the worker (bindBeforeHandshake). */
const BIND = 'paperchat:bind';
// The drain, in the order of its messages (WorkerPool.stop says why each waits for the one before).
/** Primary to worker: refuse new questions, then answer REFUSING at once and SETTLED later. */
const DRAIN = 'paperchat:drain';
const REFUSING = 'paperchat:refusing';
/** Primary to worker, once every worker refuses: say draining (readiness 503). */
const ANNOUNCE = 'paperchat:announce';
/** Worker to primary: its answers in flight are done, or were cut at the drain time-out. */
const SETTLED = 'paperchat:settled';
/** Primary to worker, once every worker settled and none is handed connections: close and exit. */
const CLOSE = 'paperchat:close';

interface ReadyMessage {
  type: typeof READY;
  /** What the worker serves, for the start-up line: "2 paper(s), offline (extractive) answers". */
  summary: string;
}

interface AddressMessage {
  type: typeof ADDRESS;
  address: AddressInfo;
}

interface BindMessage {
  type: typeof BIND;
  sid: string;
}

interface DrainMessage {
  type: typeof DRAIN;
  /** The primary's signal, for the worker's "shutting down" line. */
  signal: string;
}

/** What the primary sends a worker (besides sticky's own messages). */
type PrimaryMessage = AddressMessage | DrainMessage | BindMessage | { type: typeof ANNOUNCE | typeof CLOSE };

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/**
 * In a worker: takes connections from the primary and tells it this worker is ready. The
 * worker's HTTP server never listens, but code asking where it listens (uploads are open only
 * on a loopback address) must hear the primary's address, which the primary sends once it has it.
 * The worker drains when the primary says, step by step (`shutdown`), never on its own.
 */
export function joinCluster(io: SocketServer, httpServer: HttpServer, summary: string, options: { sharedRedis: boolean; shutdown: ShutdownSteps }): void {
  // With Redis the Redis adapter (server/app.ts) already spans the workers, and the machines.
  if (!options.sharedRedis) io.adapter(createAdapter());
  setupWorker(io);
  const bound = bindBeforeHandshake(io);
  process.on('message', (message: unknown) => {
    if (isMessage<AddressMessage>(message, ADDRESS)) httpServer.address = () => message.address;
    else if (isMessage<BindMessage>(message, BIND)) bound(message.sid);
    else followDrain(message, options.shutdown);
  });
  process.send!({ type: READY, summary } satisfies ReadyMessage);
}

/**
 * Sticky learns which worker holds a session from the worker's message on Socket.IO's
 * 'connection', sent only after the handshake's reply is written. A worker descheduled between
 * the two (a loaded machine) let the client's next poll reach the primary first, be routed
 * round-robin to the other worker, and fail there ("Session ID unknown", the client's "xhr poll
 * error"). So the session id is bound in the primary before the handshake is answered: the
 * worker sends sticky's own binding message, then ours, and waits for the primary's echo of
 * ours (IPC keeps order, so sticky has the binding by then). Returns the echo's handler.
 */
function bindBeforeHandshake(io: SocketServer): (sid: string) => void {
  const engine = io.engine as unknown as { generateId: (request: unknown) => string | Promise<string> };
  const generate = engine.generateId.bind(engine);
  const waiting = new Map<string, () => void>();
  engine.generateId = async (request) => {
    const sid = await generate(request);
    if (!process.connected) return sid;
    await new Promise<void>((resolve) => {
      waiting.set(sid, resolve);
      process.send!({ type: 'sticky:connection', data: sid });
      process.send!({ type: BIND, sid } satisfies BindMessage);
    });
    return sid;
  };
  return (sid) => {
    waiting.get(sid)?.();
    waiting.delete(sid);
  };
}

/** A worker's side of the drain: each step the primary asks for, and the replies it waits for. */
function followDrain(message: unknown, shutdown: ShutdownSteps): void {
  if (isMessage<DrainMessage>(message, DRAIN)) {
    const settled = shutdown.refuse(message.signal);
    process.send!({ type: REFUSING });
    void settled.then(() => process.send!({ type: SETTLED }));
  } else if (isMessage(message, ANNOUNCE)) shutdown.announce();
  else if (isMessage(message, CLOSE)) void shutdown.exit();
}

/** In the primary: prepares the index, starts the workers, listens; a signal ends the process. */
export async function runPrimary(config: Config, log: Logger): Promise<void> {
  const { buildAtStart, indexProblem } = await import('./first-build.ts');
  const problem = await indexProblem(config.indexDir);
  if (problem) await buildAtStart(config, problem);
  // Sticky relays request bodies as Buffers over IPC; the default JSON would garble them.
  cluster.setupPrimary({ serialization: 'advanced' });
  const graceMs = config.server.drainTimeoutMs + 5_000;
  const pool = new WorkerPool(config.server.workers, log, (error) => {
    log.error('a replacement worker failed to start; stopping', { error: error.message });
    void pool.stop(graceMs).then(() => process.exit(1));
  });
  let server: HttpServer;
  let summary: string;
  try {
    summary = await pool.start();
    server = createServer();
    setupMaster(server, { loadBalancingMethod: 'round-robin' });
    setupAdapterPrimary();
    await listen(server, config.server.port, config.server.host);
  } catch (error) {
    await pool.stop(graceMs);
    throw error;
  }
  pool.announce(server.address() as AddressInfo);
  process.stderr.write(`PaperChat is serving ${summary}, ${config.server.workers} workers, at ${urlOf(server)}/\n`);
  stopOnSignal(pool, server, graceMs, log);
}

/**
 * SIGTERM or Ctrl-C: every worker drains and exits; the port stays open until every answer in
 * flight is done, so a client (or a load balancer's probe) reaches a draining worker and hears
 * 503, not a refused connection.
 */
function stopOnSignal(pool: WorkerPool, server: HttpServer, graceMs: number, log: Logger): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info('shutting down', { signal, workers: pool.size });
    // Closed before the workers are: a connection accepted now would reach a closing worker.
    void pool.stop(graceMs, signal, () => server.close()).then((code) => process.exit(code));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

class WorkerPool {
  private readonly workers = new Set<Worker>();
  /** Those that said they are ready: routed to, and drained on a signal. */
  private readonly serving = new Set<Worker>();
  private stopping = false;
  private address: AddressInfo | undefined;

  constructor(
    private readonly count: number,
    private readonly log: Logger,
    private readonly onFatal: (error: Error) => void,
  ) {}

  get size(): number {
    return this.workers.size;
  }

  /** Tells every worker, and each one started later, the address the primary listens on. */
  announce(address: AddressInfo): void {
    this.address = address;
    for (const worker of this.workers) worker.send({ type: ADDRESS, address } satisfies AddressMessage);
  }

  /** Starts every worker; resolves to what they serve once all are ready. */
  async start(): Promise<string> {
    const summaries = await Promise.all(Array.from({ length: this.count }, () => this.spawn()));
    return summaries[0]!;
  }

  /**
   * Forks a worker, kept out of sticky's routing (which picks from `cluster.workers`) until it
   * says it is ready: a worker still loading has no message listener and would drop the
   * connections it was handed.
   */
  private spawn(): Promise<string> {
    const worker = cluster.fork();
    stopReadingOnHandOff(worker);
    this.workers.add(worker);
    delete cluster.workers![worker.id];
    return new Promise((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: unknown) => {
        if (isMessage<BindMessage>(message, BIND)) return tell(worker, message);
        if (ready || this.stopping || !isMessage<ReadyMessage>(message, READY)) return;
        ready = true;
        this.serving.add(worker);
        cluster.workers![worker.id] = worker;
        if (this.address) worker.send({ type: ADDRESS, address: this.address } satisfies AddressMessage);
        resolve(message.summary);
      });
      worker.once('exit', (code, signal) => {
        this.workers.delete(worker);
        this.serving.delete(worker);
        if (this.stopping) return;
        const how = signal ?? `code ${code}`;
        if (!ready) return reject(new Error(`server: a worker exited (${how}) while starting; its error is above`));
        this.log.error('worker exited; starting another', { worker: worker.id, exit: how });
        this.spawn().catch(this.onFatal);
      });
    });
  }

  /**
   * Drains every worker in step; resolves to 0 when all that were serving exited 0. Each step
   * waits for every worker's reply to the one before, since each worker hears the primary at its
   * own moment: workers say "draining" only once all refuse questions (a client who heard it from
   * one must not be answered by another), and close only once all have settled and `unroute`
   * stopped new connections (the primary would hand them to a closed worker). IPC keeps order,
   * so a connection handed to a worker after DRAIN reaches it after DRAIN. SIGKILL after `graceMs`.
   */
  async stop(graceMs: number, signal = 'SIGTERM', unroute: () => void = () => {}): Promise<number> {
    this.stopping = true;
    const serving = [...this.serving];
    // One still loading its index serves nothing and would not hear DRAIN: it just ends.
    const starting = [...this.workers].filter((worker) => !this.serving.has(worker));
    for (const worker of starting) worker.process.kill('SIGKILL');
    const exits = serving.map((worker) => exitOf(worker, graceMs));
    const refusing = serving.map((worker) => replyOf(worker, REFUSING));
    const settled = serving.map((worker) => replyOf(worker, SETTLED));
    for (const worker of serving) tell(worker, { type: DRAIN, signal });
    await Promise.all(refusing);
    for (const worker of serving) tell(worker, { type: ANNOUNCE });
    await Promise.all(settled);
    unroute();
    // Sticky routes to `cluster.workers` only; with none left it answers a late connection 503 itself.
    for (const worker of serving) delete cluster.workers![worker.id];
    for (const worker of serving) tell(worker, { type: CLOSE });
    await Promise.all(starting.map((worker) => exitOf(worker, graceMs)));
    return (await Promise.all(exits)).every(Boolean) ? 0 : 1;
  }
}

/** Sends, unless the worker is gone: its exit is what the drain then waits for. */
function tell(worker: Worker, message: PrimaryMessage): void {
  if (worker.isConnected()) worker.send(message, () => {});
}

/** Resolves when the worker sends a message of `type`, or exits (a dead worker has nothing left to say). */
function replyOf(worker: Worker, type: string): Promise<void> {
  return new Promise((resolve) => {
    if (worker.isDead()) return resolve();
    const onMessage = (message: unknown) => isMessage(message, type) && done();
    const done = () => {
      worker.off('message', onMessage);
      worker.off('exit', done);
      resolve();
    };
    worker.on('message', onMessage);
    worker.once('exit', done);
  });
}

/** Resolves to whether the worker exited 0; SIGKILL after `graceMs`. */
function exitOf(worker: Worker, graceMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (worker.isDead()) return resolve(worker.process.exitCode === 0);
    const force = setTimeout(() => worker.process.kill('SIGKILL'), graceMs);
    worker.once('exit', (code) => {
      clearTimeout(force);
      resolve(code === 0);
    });
  });
}

/**
 * Sticky reads the head of a connection in the primary, then sends the socket to a worker. Node
 * does not stop the primary's read when it sends a socket: until the worker acknowledges it,
 * what the primary still reads from it is dropped. So bytes the client sent meanwhile were
 * lost — a Socket.IO client's CONNECT right after its WebSocket opened, whenever the primary
 * was slow to see the acknowledgement (busy relaying request bodies): that client hung. The
 * read is stopped before the send, leaving those bytes in the kernel for the worker.
 */
function stopReadingOnHandOff(worker: Worker): void {
  const send = worker.send.bind(worker) as (...args: unknown[]) => boolean;
  worker.send = ((message: unknown, handle?: unknown, ...rest: unknown[]) => {
    if (handle instanceof Socket) (handle as unknown as { _handle?: { readStop?: () => number } | null })._handle?.readStop?.();
    return send(message, handle, ...rest);
  }) as Worker['send'];
}
