/**
 * The browser builds of the libraries the page imports, served from our own origin (the CSP
 * allows scripts from 'self' only, so no CDN). Each URL names one file of one package; nothing
 * else under node_modules is reachable.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type Request, type Response } from 'express';

const NODE_MODULES = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules');

/** URL under /vendor → file under node_modules. The client imports these paths. */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  '/marked.esm.js': 'marked/lib/marked.esm.js',
  '/purify.es.mjs': 'dompurify/dist/purify.es.mjs',
};

/** Serves VENDOR_FILES at /vendor/…; any other /vendor path is a 404, not a fall-through to client/. */
export function vendorRouter(): Router {
  const router = Router();
  for (const [url, file] of Object.entries(VENDOR_FILES)) {
    router.get(url, (_request: Request, response: Response) => {
      // .mjs is not a JavaScript type for every MIME table; a module script needs one.
      response.type('text/javascript');
      response.sendFile(join(NODE_MODULES, file), { maxAge: 0 });
    });
  }
  router.use((request: Request, response: Response) => {
    response.status(404).type('text/plain').send(`Not found: /vendor${request.path.slice(0, 100)}`);
  });
  return router;
}
