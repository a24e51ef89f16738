/**
 * Who may talk to the server. A page on another site must not read the user's papers, over
 * fetch (CORS handles that) or over a WebSocket (which CORS does not cover), and a DNS name
 * pointed at 127.0.0.1 by an attacker (DNS rebinding) must not reach the API: requests name a
 * host the server answers to, and browsers' Socket.IO connections come from the page's own
 * origin or one configured in PAPERCHAT_CORS_ORIGINS.
 */
import type { IncomingMessage } from 'node:http';

/** Hosts a loopback server is always reached by. */
const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

export interface OriginPolicy {
  /** Host names (no port) requests may name; `*` allows any. */
  hosts: string[];
  /** Origins (scheme://host[:port]) allowed beside the server's own; `*` allows any. */
  origins: string[];
}

export function originPolicy(server: { host: string; allowedHosts: string[]; corsOrigins: string[] }): OriginPolicy {
  const bound = server.host === '0.0.0.0' || server.host === '::' ? [] : [server.host.replace(/^\[|\]$/g, '')];
  return { hosts: [...new Set([...LOOPBACK, ...bound, ...server.allowedHosts.map((host) => host.toLowerCase())])], origins: server.corsOrigins };
}

/** The host name a Host header names, without port or IPv6 brackets. */
function hostName(header: string | undefined): string {
  const value = (header ?? '').trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\]/.exec(value);
  return bracketed ? bracketed[1]! : value.replace(/:\d+$/, '');
}

/** Why a request's Host header is refused, or undefined when it is one the server answers to. */
export function refusedHost(policy: OriginPolicy, header: string | undefined): string | undefined {
  if (policy.hosts.includes('*')) return undefined;
  const name = hostName(header);
  if (policy.hosts.includes(name)) return undefined;
  return `unknown host "${name.replace(/[^\w.:-]/g, '?').slice(0, 100)}"; set PAPERCHAT_ALLOWED_HOSTS to serve it`;
}

/** Whether a Socket.IO handshake may go on: right host, and a browser page of an allowed origin. */
export function allowHandshake(policy: OriginPolicy, request: IncomingMessage): boolean {
  if (refusedHost(policy, request.headers.host)) return false;
  const origin = request.headers.origin;
  // Clients that are not browsers send no Origin; a browser always does.
  if (origin === undefined) return true;
  if (policy.origins.includes('*') || policy.origins.includes(origin)) return true;
  try {
    return new URL(origin).host.toLowerCase() === (request.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}
