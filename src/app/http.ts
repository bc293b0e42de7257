import { createServer, type Server } from 'node:http';
import type { Route } from '../kernel/routes.js';
import type { Logger } from '../kernel/logger.js';

/** One HTTP server for everything Weaver serves: Slack's request URL, health, calendars. */
export function createHttpServer(routes: readonly Route[], log: Logger): Server {
  return createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const candidates = routes.filter((route) => route.path.test(path));
    const route = candidates.find((candidate) => candidate.method === request.method || (candidate.method === 'GET' && request.method === 'HEAD'));
    if (!route) {
      const status = candidates.length ? 405 : 404;
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(status === 404 ? 'Not found\n' : 'Method not allowed\n');
      return;
    }
    Promise.resolve(route.handle(request, response, route.path.exec(path)!.slice(1))).catch((error: unknown) => {
      log.error({ err: error, path }, 'HTTP handler failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Internal error\n');
    });
  });
}

export function healthRoute(check: () => Promise<void>): Route {
  return {
    method: 'GET',
    path: /^\/healthz$/,
    async handle(_request, response) {
      try {
        await check();
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}\n');
      } catch {
        response.writeHead(503, { 'content-type': 'application/json' }).end('{"ok":false}\n');
      }
    },
  };
}

export async function listen(server: Server, port: number, host?: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
