import { existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors.js';
import { livePage } from './live-page.js';
import { LiveState } from './live-state.js';

/** A running live view. */
export interface LiveServer {
  url: string;
  port: number;
  state: LiveState;
  close(): Promise<void>;
}

/** How the live view is served. */
export interface LiveServerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** A state fed by a sweep in this process (run --live); default: read from the folder only. */
  state?: LiveState;
  /** Minimum milliseconds between two reads of the folder, however many pages poll. */
  pollEvery?: number;
}

/** The host names a request may carry: a page on another site cannot reach the server through DNS rebinding. */
function localHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/**
 * Serve a results folder's live view on 127.0.0.1 only: `/` is the page, `/api/state?since=N` the runs
 * and the evaluations recorded after sequence number N (JSON). Files are read when a page polls.
 */
export async function startLiveServer(dir: string, opts: LiveServerOptions = {}): Promise<LiveServer> {
  const state = opts.state ?? new LiveState(dir);
  const pollEvery = opts.pollEvery ?? 250;
  let lastPoll = -Infinity;
  let port = 0;
  const server = http.createServer((req, res) => {
    if (!localHost(req.headers.host, port)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden: use http://127.0.0.1\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(livePage());
    } else if (url.pathname === '/api/state') {
      const now = performance.now();
      if (now - lastPoll >= pollEvery) {
        lastPoll = now;
        state.poll();
      }
      const since = Number(url.searchParams.get('since') ?? 0);
      const body = JSON.stringify(state.snapshot(Number.isFinite(since) ? since : 0));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The port of --port: a whole number 0-65535 (0 = any free port). */
export function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port: expected a whole number from 0 to 65535, got "${text}"`);
  return n;
}

/** Default port of the live view; when it is taken (and --port was not given) any free port is used. */
export const DEFAULT_PORT = 8765;

/** Start a live view on --port (or the default, falling back to a free port), with a clear message when the port is taken. */
export async function serveLive(dir: string, portText: string | undefined, state?: LiveState): Promise<LiveServer> {
  const asked = parsePort(portText);
  try {
    return await startLiveServer(dir, { port: asked ?? DEFAULT_PORT, ...(state ? { state } : {}) });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && asked === undefined) return startLiveServer(dir, { port: 0, ...(state ? { state } : {}) });
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${asked}: the port is in use; pass another, or --port 0 for any free port`);
    throw err;
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `bn-exp watch <results>`: serve the folder's live view until Ctrl-C. */
export async function watchCommand(dir: string, opts: { port?: string }): Promise<void> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`${dir}: no such results folder (start the sweep first, or pass the folder it writes: run --out <dir>)`);
  }
  const live = await serveLive(dir, opts.port);
  console.log(`live view of ${dir}: ${live.url}  (127.0.0.1 only; Ctrl-C to stop)`);
  await untilStopped();
  await live.close();
}
