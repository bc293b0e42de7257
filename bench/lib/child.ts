// Running a bench step in its own process: TypeScript through tsx, so each figure's memory is its own.
import { spawn } from 'node:child_process';

/** Runs `node --import tsx <script> ...args`, inheriting output; rejects on a non-zero exit or when it runs past `timeoutMs`. */
export function runTsx(
  script: string,
  args: readonly string[],
  options: { timeoutMs: number; quiet?: boolean; env?: Record<string, string> },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', options.quiet ? 'pipe' : 'inherit', 'inherit'],
      env: { ...process.env, ...options.env },
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ran longer than ${options.timeoutMs} ms and was stopped`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${script} ${args.join(' ')} exited with ${code ?? signal}`));
    });
  });
}
