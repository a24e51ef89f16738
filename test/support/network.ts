/**
 * A server bound beyond loopback, for the policies that depend on where the server listens
 * (adding papers from the page). It binds to this machine's first non-internal IPv4 address,
 * or to 0.0.0.0 when there is none (also not loopback); either way real HTTP reaches it.
 */
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Config } from '../../lib/config.ts';
import type { Llm } from '../../server/rag/llm.ts';
import { createApp } from '../../server/app.ts';
import { Engine } from '../../server/engine.ts';
import { createLogger } from '../../server/log.ts';
import type { RunningServer } from './fixtures.ts';

/** An IPv4 address of this machine that is not loopback, or 0.0.0.0. */
export function nonLoopbackAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
  return found?.address ?? '0.0.0.0';
}

/**
 * Starts the real server on `host` and an ephemeral port; `url` is how to reach it (through
 * 127.0.0.1 when bound to every address). The host guard is told the address (HOST).
 */
export async function startServerOn(config: Config, host: string, options: { llm?: Llm } = {}): Promise<RunningServer> {
  const bound: Config = { ...config, server: { ...config.server, host } };
  const engine = await Engine.open(bound, {}, options.llm);
  const app = createApp({ config: bound, engine, log: createLogger(false) });
  await new Promise<void>((resolve) => app.httpServer.listen(0, host, resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host;
  return { url: `http://${reach}:${port}`, app, engine, close: () => app.close() };
}
