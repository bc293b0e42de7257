import type { IncomingMessage, ServerResponse } from 'node:http';

/** One path the HTTP server answers: Slack's request URL, health, calendars, web pages. */
export type Route = Readonly<{
  method: 'GET' | 'POST';
  /** Matched against the path without the query string; groups are passed to the handler. */
  path: RegExp;
  handle(request: IncomingMessage, response: ServerResponse, params: readonly string[]): Promise<void> | void;
}>;
