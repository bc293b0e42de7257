// Starts bench/lib/server.ts as a child process and waits for its port; or, for smoke runs, in this process.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer, type ServerMode } from './server.js';

export type ServerProcess = Readonly<{ port: number; url: string; cpuMs(): Promise<number>; stop(): Promise<void> }>;

const cpuMsOfThisProcess = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

export async function startServerProcess(mode: ServerMode, env: Record<string, string> = {}, options: { inProcess?: boolean } = {}): Promise<ServerProcess> {
  if (options.inProcess) {
    const running = await startServer(mode, env);
    return { port: running.port, url: `http://127.0.0.1:${running.port}/slack/events`, cpuMs: async () => cpuMsOfThisProcess(), stop: () => running.stop() };
  }
  const script = fileURLToPath(new URL('./server.ts', import.meta.url));
  // BENCH_PROFILE=<dir> writes a CPU profile of the server (node --cpu-prof) there when it stops.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const child = fork(script, [mode], {
    execArgv: ['--import', 'tsx', ...profile],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${mode} server did not start within 60 s`)), 60_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve((message as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${mode} server exited with ${code}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}/slack/events`,
    /** The server's CPU time so far (user + system), in ms. */
    cpuMs: () =>
      new Promise<number>((resolve) => {
        const listen = (message: unknown) => {
          if (typeof message === 'object' && message !== null && 'cpuMs' in message) {
            child.off('message', listen);
            resolve(Number(message.cpuMs));
          }
        };
        child.on('message', listen);
        child.send('cpu');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send('stop');
      }),
  };
}
