// Real Weaver processes (`node --import tsx src/main.ts`, as `npm start`) for bench/scaleout.ts: each on its own
// port, on one database, against local fakes; plus a front that sends posts to the rate-limited fake
// (bench/lib/limited-platforms.ts) and every other call (auth, the Discord gateway, channel look-ups) to the full fakes
// in tests/fakes, and the CPU time of processes read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Upstreams = Readonly<{ slackPosts: string; slackOther: string; discordPosts: string; discordOther: string }>;

const isDiscordPost = (method: string, path: string) =>
  method === 'POST' && (/^\/v\d+\/channels\/\d+\/messages$/.test(path) || /^\/v\d+\/users\/@me\/channels$/.test(path));

/** SLACK_API_URL and DISCORD_API_URL for the processes: `<base>/slack/` and `<base>/discord`. */
export async function startFront(upstreams: Upstreams) {
  const server = createServer((request, response) => {
    void body(request).then(async (raw) => {
      const url = new URL(request.url ?? '/', 'http://front');
      const slack = /^\/slack\/([\w.]+)$/.exec(url.pathname);
      const discord = /^\/discord(\/.*)$/.exec(url.pathname);
      const method = request.method ?? 'GET';
      const target = slack
        ? `${slack[1] === 'chat.postMessage' ? upstreams.slackPosts : upstreams.slackOther}${slack[1]}`
        : discord
          ? `${isDiscordPost(method, discord[1]!) ? upstreams.discordPosts : upstreams.discordOther}${discord[1]}${url.search}`
          : undefined;
      if (!target) return void response.writeHead(404).end();
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name)) headers[name] = value;
      }
      try {
        const answer = await fetch(target, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : raw });
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding', 'keep-alive'].includes(name)) out[name] = value;
        });
        response.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
      } catch {
        response.writeHead(502).end();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    slackApiUrl: `${base}/slack/`,
    discordApiUrl: `${base}/discord`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function body(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export type WeaverProcess = Readonly<{ child: ChildProcess; port: number; ready: Promise<void> }>;

/** One Weaver process on `port`; `ready` once it logs "Weaver is running" (it logs at info level for that). */
export function startWeaverProcess(env: Record<string, string>, port: number): WeaverProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the process on port ${port} did not start within 60 s: ${seen.slice(-2_000)}`)), 60_000);
    // pino writes to stderr; only the start-up lines are kept, later lines are read and dropped.
    const watch = (chunk: Buffer) => {
      if (process.env.SCALEOUT_DEBUG) process.stderr.write(chunk);
      if (seen.length < 100_000) seen += chunk.toString('utf8');
      if (seen.includes('Weaver is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the process on port ${port} exited with ${code}: ${seen.slice(-2_000)}`));
    });
  });
  ready.catch(() => undefined);
  return { child, port, ready };
}

export async function stopProcesses(processes: readonly WeaverProcess[]): Promise<void> {
  await Promise.all(
    processes.map(({ child }) =>
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
    ),
  );
}

/** Free ports on 127.0.0.1, asked of the system all at once so that none repeats. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; 0 once it is gone. */
export function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The whole machine's busy and total CPU time so far, from /proc/stat, in seconds. */
export function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, n) => sum + n, 0);
  const idle = fields[3]! + (fields[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

/** CPU seconds used so far by every PostgreSQL server process on this machine (other users' included). */
export function postgresCpuSeconds(): number {
  let sum = 0;
  for (const entry of readDir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) sum += cpuSecondsOf(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return sum;
}

function readDir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
