/**
 * The server, assembled from its parts: Express for the JSON API and the client's files,
 * Socket.IO on the same HTTP server. `createApp` builds it without listening, so tests can
 * start it on port 0; `server/main.ts` is the only place that listens.
 */
import cluster from 'node:cluster';
import { createServer, type Server as HttpServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import { createAdapter as createRedisAdapter } from '@socket.io/redis-adapter';
import { Server as SocketServer } from 'socket.io';
import type { Config } from '../lib/config.ts';
import { Admission } from './admission.ts';
import { Drain, RequestCounter } from './drain.ts';
import type { Engine } from './engine.ts';
import { healthRouter } from './health.ts';
import { apiRouter } from './http.ts';
import { openAiRouter, sendError as sendOpenAiError } from './openai-api.ts';
import type { Logger } from './log.ts';
import { allowHandshake, originPolicy, refusedHost } from './origin.ts';
import { clientKey, createRateLimiter, RATE_WINDOW_SECONDS, type QuestionLimiter, type RateCounts } from './rate-limit.ts';
import type { SharedRedis } from './redis.ts';
import { Replicas } from './replicas.ts';
import { attachSocket } from './socket.ts';
import { uploadRouter } from './upload.ts';
import { vendorRouter } from './vendor-files.ts';

export interface AppParts {
  config: Config;
  engine: Engine;
  log: Logger;
  /**
   * Shared with other servers (PAPERCHAT_REDIS_URL): Socket.IO events, the rate limit and the
   * replica list go through it. The caller connects and closes it.
   */
  redis?: SharedRedis;
}

export interface App {
  httpServer: HttpServer;
  io: SocketServer;
  /** Stops accepting connections and ends open ones. */
  close(): Promise<void>;
  /** SIGTERM's shutdown before the close: refuse new questions, say so, let those in flight finish. */
  drain: Drain;
}

const CLIENT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'client');

const REFUSED = 'too many questions; wait a minute and try again';
/** Redis keys of the Socket.IO adapter's channels: PaperChat's own, beside whatever else uses that Redis. */
const SOCKET_CHANNELS = 'paperchat:socket.io';

export function createApp({ config, engine, log, redis }: AppParts): App {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  const policy = originPolicy(config.server);
  const admission = new Admission(config.server.admission);
  const requests = new RequestCounter();
  const drain = new Drain(admission, requests);
  app.use((request, response, next) => {
    const refused = refusedHost(policy, request.headers.host);
    if (refused) response.status(421).json({ error: refused });
    else next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          // 'self' covers the page's own ws:/wss: origin (CSP 3); nothing else.
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      // The server speaks plain HTTP; HSTS is for the TLS proxy in front of it to send.
      strictTransportSecurity: false,
    }),
  );
  const origins = config.server.corsOrigins;
  if (origins.length > 0) app.use(['/api', '/v1'], cors({ origin: origins.includes('*') ? true : origins }));
  app.use(requests.middleware);
  app.use((request, response, next) => {
    const started = performance.now();
    response.on('finish', () => {
      const path = request.originalUrl.split('?')[0]!;
      if (path.startsWith('/api/') || path.startsWith('/v1/')) {
        log.info('http', { method: request.method, path, status: response.statusCode, ms: Math.round(performance.now() - started) });
      }
    });
    next();
  });
  // One limiter for every way of asking (both HTTP APIs here, Socket.IO below): one budget per client.
  const limiter = createRateLimiter(config.server.rateLimitPerMinute, redis);
  if (limiter.perMinute > 0) app.use(['/api/ask', '/v1/chat/completions'], rateLimited(limiter));
  const replicas = redis ? new Replicas(redis, { server: config.server.name, ...(cluster.isWorker ? { worker: cluster.worker!.id } : {}) }, engine) : undefined;
  app.use('/api', healthRouter({ engine, admission, drain, server: config.server.name, ...(replicas ? { replicas } : {}) }));
  // Before the JSON parser: the body is the file itself.
  app.use('/api/upload', uploadRouter({ config, engine, log, listening: () => httpServer.address(), notify: (socketId, progress) => io.to(socketId).emit('upload:progress', progress) }));
  app.use('/api', express.json({ limit: '64kb' }), apiRouter(engine, admission));
  // OpenAI clients resend the whole conversation (and their own system prompts) every turn.
  app.use('/v1', express.json({ limit: '256kb' }), openAiRouter(engine, admission));
  // Before the client's files: client/vendor/ holds only type declarations for these.
  app.use('/vendor', vendorRouter());
  app.use(express.static(CLIENT_DIR, { index: 'index.html', maxAge: 0 }));
  app.use((request: Request, response: Response) => {
    response.status(404).type('text/plain').send(`Not found: ${request.path.slice(0, 100)}`);
  });
  // Express 5 routes rejected promises here too. One line out, never a stack trace.
  app.use((error: Error & { status?: number; type?: string }, request: Request, response: Response, _next: NextFunction) => {
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    const message =
      error.type === 'entity.parse.failed'
        ? 'the body is not valid JSON'
        : error.type === 'entity.too.large'
          ? 'the body is too large (at most 64 kB)'
          : error.type === 'encoding.unsupported' || error.type === 'charset.unsupported'
            ? 'unsupported body encoding'
            : status === 500
              ? 'internal error; try again'
              : error.message.split('\n')[0];
    if (status === 500) log.error('request failed', { error: error.message });
    if (response.headersSent) return;
    if (isOpenAiPath(request)) sendOpenAiError(response, status, message);
    else response.status(status).json({ error: message });
  });

  const httpServer = createServer(app);
  const io = new SocketServer(httpServer, {
    maxHttpBufferSize: 64 * 1024,
    allowRequest: (request, callback) => callback(null, allowHandshake(policy, request)),
    ...(origins.length > 0 ? { cors: { origin: origins.includes('*') ? true : origins } } : {}),
  });
  if (redis) io.adapter(createRedisAdapter(redis.publisher, redis.subscriber, { key: SOCKET_CHANNELS }));
  attachSocket(io, engine, log, { limiter, maxInFlight: 8, admission });
  replicas?.start();

  const close = async () => {
    await replicas?.stop();
    await new Promise<void>((resolve) => {
      engine.close();
      io.close();
      httpServer.closeAllConnections?.();
      httpServer.close(() => resolve());
    });
  };
  return { httpServer, io, close, drain };
}

/**
 * The rate limit over HTTP, with the headers the server has always sent (IETF draft 7,
 * `RateLimit-Policy` and `RateLimit`, when the count is known) and, when refused, 429 with
 * `Retry-After`.
 */
function rateLimited(limiter: QuestionLimiter): RequestHandler {
  return async (request, response, next) => {
    const decision = await limiter.consume(clientKey(request.ip));
    if (decision.counts) setRateHeaders(response, decision.counts);
    if (decision.allowed) return next();
    response.set('Retry-After', String(decision.counts!.resetSeconds));
    if (isOpenAiPath(request)) sendOpenAiError(response, 429, REFUSED, 'rate_limit_exceeded');
    else response.status(429).json({ error: REFUSED });
  };
}

function setRateHeaders(response: Response, counts: RateCounts): void {
  response.set('RateLimit-Policy', `${counts.limit};w=${RATE_WINDOW_SECONDS}`);
  response.set('RateLimit', `limit=${counts.limit}, remaining=${counts.remaining}, reset=${counts.resetSeconds}`);
}

/** The OpenAI-compatible routes answer errors in OpenAI's shape. */
function isOpenAiPath(request: Request): boolean {
  return request.originalUrl.startsWith('/v1/') || request.originalUrl === '/v1';
}
