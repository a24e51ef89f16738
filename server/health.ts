/**
 * Health for people and for load balancers. Transport only.
 *
 *   GET /api/health         status (ready | draining), mode, model, load, index statistics
 *   GET /api/health/live    200 while the process answers at all (liveness: restart it if not)
 *   GET /api/health/ready   200 when it takes questions, 503 while it drains (readiness: send
 *                           it traffic or not)
 *
 * The port opens only once the index is loaded, so a server that answers has an index; what
 * readiness adds is the drain after SIGTERM (server/drain.ts). In a cluster each worker answers
 * for itself and names itself (`worker`).
 */
import cluster from 'node:cluster';
import { Router } from 'express';
import type { Admission } from './admission.ts';
import type { Engine } from './engine.ts';

export function healthRouter(engine: Engine, admission: Admission): Router {
  const router = Router();
  const status = () => (admission.isDraining ? 'draining' : 'ready');
  const worker = () => (cluster.isWorker ? { worker: cluster.worker!.id } : {});

  router.get('/health', (_request, response) => {
    const { manifest, version } = engine.library.index;
    response.json({
      status: status(),
      ready: !admission.isDraining,
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
    });
  });

  router.get('/health/live', (_request, response) => {
    response.json({ status: 'live', ...worker() });
  });

  router.get('/health/ready', (_request, response) => {
    const body = { status: status(), ...worker(), index: engine.library.index.version };
    // Probes must not be answered from a cache: the answer changes on SIGTERM.
    response.set('Cache-Control', 'no-store');
    if (admission.isDraining) response.status(503).set('Retry-After', '2').json(body);
    else response.json(body);
  });

  return router;
}
