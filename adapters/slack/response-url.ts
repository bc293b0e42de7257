import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RespondArguments } from '@slack/bolt';

const timeoutMs = 10_000;
const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/** Posts the answer to one action to its response_url; rejects unless Slack took it. */
export type Respond = (message: RespondArguments) => Promise<unknown>;

/**
 * Bolt's `respond` posts through `fetch`, whose streamed request body and WHATWG wrappers cost about a fifth of a
 * command's CPU (bench/README.md, issue 17); node:http sends the same JSON in one write on a kept-alive socket.
 */
export function respondTo(responseUrl: string): (message: RespondArguments) => Promise<void> {
  return (message) => post(new URL(responseUrl), JSON.stringify(message), true);
}

function post(url: URL, body: string, mayRetry: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const onResponse = (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      response.resume();
      response.once('end', () => (status >= 200 && status < 300 ? resolve() : reject(new Error(`response_url answered ${status}`))));
      response.once('error', reject);
    };
    const request =
      url.protocol === 'https:'
        ? httpsRequest(url, { method: 'POST', headers, agent: httpsAgent, timeout: timeoutMs }, onResponse)
        : httpRequest(url, { method: 'POST', headers, agent: httpAgent, timeout: timeoutMs }, onResponse);
    request.once('timeout', () => request.destroy(new Error('response_url did not answer in time')));
    request.once('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed while idle fails at once on reuse; nothing reached Slack: send it again.
      if (mayRetry && request.reusedSocket && error.code === 'ECONNRESET') post(url, body, false).then(resolve, reject);
      else reject(error);
    });
    request.end(body);
  });
}
