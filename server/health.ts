/**
 * Health for people and for load balancers. Transport only.
 *
 *   GET /api/health         status (ready | draining), mode, model, load, index statistics
 *   GET /api/health/live    200 while the process answers at all (liveness: restart it if not)
 *   GET /api/health/ready   200 when it takes questions, 503 while it drains (readiness: send
 *                           it traffic or not)
 *
 * The port opens only once the index is loaded, so a server that answers has an index; what
 * readiness adds is the drain after SIGTERM (server/drain.ts). Each answers for itself and
 * names itself: `server` (PAPERCHAT_SERVER_NAME), and `worker` in a cluster. With Redis,
 * /api/health also lists every server's index version (`replicas`, server/replicas.ts);
 * readiness never asks Redis, so an outage of Redis takes no server out of a load balancer.
 */
import cluster from 'node:cluster';
import { Router } from 'express';
import type { Admission } from './admission.ts';
import type { Drain } from './drain.ts';
import type { Engine } from './engine.ts';
import type { Replicas } from './replicas.ts';

export interface HealthParts {
  engine: Engine;
  admission: Admission;
  /** Whether this server says it drains: in a cluster, only once every worker refuses questions. */
  drain: Drain;
  /** This server's name. */
  server: string;
  /** Every server's index version, when several share Redis. */
  replicas?: Replicas;
}

export function healthRouter({ engine, admission, drain, server, replicas }: HealthParts): Router {
  const router = Router();
  const status = () => (drain.isAnnounced ? 'draining' : 'ready');
  const worker = () => ({ server, ...(cluster.isWorker ? { worker: cluster.worker!.id } : {}) });

  router.get('/health', async (_request, response) => {
    const view = await replicas?.list();
    const { manifest, version } = engine.library.index;
    response.json({
      status: status(),
      ready: !drain.isAnnounced,
      ...worker(),
      mode: engine.answerer.mode,
      load: admission.load,
      ...(engine.answerer.model ? { model: engine.answerer.model } : {}),
      index: {
        version,
        builtAt: manifest.builtAt,
        papers: manifest.counts.papers,
        chunks: manifest.counts.chunks,
        chunksByKind: manifest.counts.chunksByKind,
        references: manifest.counts.references,
        glossary: manifest.counts.glossary,
        embedder: manifest.embedder.id,
      },
      ...(view ? { replicas: view } : {}),
    });
  });

  router.get('/health/live', (_request, response) => {
    response.json({ status: 'live', ...worker() });
  });

  router.get('/health/ready', (_request, response) => {
    const body = { status: status(), ...worker(), index: engine.library.index.version };
    // Probes must not be answered from a cache: the answer changes on SIGTERM.
    response.set('Cache-Control', 'no-store');
    if (drain.isAnnounced) response.status(503).set('Retry-After', '2').json(body);
    else response.json(body);
  });

  return router;
}
