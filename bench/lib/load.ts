// A small HTTP load generator: signed Slack requests over keep-alive connections, closed loop (N workers) or open
// loop (a fixed rate). Every run is bounded by a request count and a deadline, and stops by itself.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { signBody, testSigningSecret } from '../../tests/fakes/slack-requests.js';

export type SignedRequest = Readonly<{ body: string; contentType: string }>;

export type LoadResult = Readonly<{
  /** Milliseconds from sending (open loop: from the scheduled instant) to the complete response. */
  latencies: number[];
  seconds: number;
  completed: number;
  /** Responses other than 200, and failed connections. */
  errors: number;
  /** 200s with a body: a command answered in its ack ("busy"), so no answer follows. */
  answeredInAck: number;
  /** 503s sent again later (closed loop with `redeliverAfterMs`), as Slack delivers a refused event again. */
  refused: number;
}>;

export function createPoster(url: string, maxSockets: number) {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets });
  /** Sends one signed request; resolves with the status (0 for a connection failure) once the response has ended. */
  function post(signed: SignedRequest): Promise<{ status: number; withBody: boolean }> {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': signed.contentType,
      'content-length': Buffer.byteLength(signed.body),
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signBody(testSigningSecret, timestamp, signed.body),
    };
    return new Promise((resolve) => {
      const sent = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers, timeout: 10_000 }, (response) => {
        let withBody = false;
        response.on('data', () => (withBody = true));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, withBody }));
        response.on('error', () => resolve({ status: 0, withBody }));
      });
      sent.on('timeout', () => sent.destroy());
      sent.on('error', () => resolve({ status: 0, withBody: false }));
      sent.end(signed.body);
    });
  }
  return { post, close: () => agent.destroy() };
}

/**
 * `concurrency` workers, each sending the next request as soon as its last one is answered, until `count` or `maxMs`.
 * With `redeliverAfterMs`, a 503 is sent again that much later (latency counts each attempt; `completed` the requests).
 */
export async function closedLoop(
  poster: ReturnType<typeof createPoster>,
  concurrency: number,
  count: number,
  maxMs: number,
  next: (i: number) => SignedRequest,
  options: { redeliverAfterMs?: number } = {},
): Promise<LoadResult> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let answeredInAck = 0;
  let refused = 0;
  let completed = 0;
  const started = performance.now();
  const deadline = started + maxMs;
  async function worker(): Promise<void> {
    while (issued < count && performance.now() < deadline) {
      const i = issued++;
      for (;;) {
        const t = performance.now();
        const { status, withBody } = await poster.post(next(i));
        latencies.push(performance.now() - t);
        if (status === 503 && options.redeliverAfterMs !== undefined && performance.now() < deadline) {
          refused++;
          await new Promise((resolve) => setTimeout(resolve, options.redeliverAfterMs));
          continue;
        }
        if (status !== 200) errors++;
        else if (withBody) answeredInAck++;
        break;
      }
      completed++;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, seconds: (performance.now() - started) / 1000, completed, errors, answeredInAck, refused };
}

/** Sends at a fixed rate whatever is outstanding (no coordinated omission): latency counts from the scheduled instant. */
export async function openLoop(
  poster: ReturnType<typeof createPoster>,
  perSecond: number,
  count: number,
  maxMs: number,
  next: (i: number) => SignedRequest,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let answeredInAck = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    if (due - started > maxMs) break;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      poster.post(next(i)).then(({ status, withBody }) => {
        latencies.push(performance.now() - due);
        if (status !== 200) errors++;
        else if (withBody) answeredInAck++;
      }),
    );
  }
  await Promise.all(pending);
  return { latencies, seconds: (performance.now() - started) / 1000, completed: latencies.length, errors, answeredInAck, refused: 0 };
}
