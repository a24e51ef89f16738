/** Listening on the configured address, and the URL it ended up at (port 0 picks one). */
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Resolves once `server` listens; rejects with the listen error (EADDRINUSE, EACCES…). */
export function listen(server: HttpServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** `http://127.0.0.1:3000`, `http://[::1]:3000`: where a listening server can be reached. */
export function urlOf(server: HttpServer): string {
  const address = server.address() as AddressInfo;
  return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}
