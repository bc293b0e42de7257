import { pino, type Logger } from 'pino';

export type { Logger };

// Logs go to stderr as JSON lines, so the console's answers on stdout stay clean; tokens are redacted wherever they appear.
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['token', '*.token', 'botToken', '*.botToken', 'appToken', '*.appToken', 'signingSecret', '*.signingSecret', 'headers.authorization'],
        censor: '[secret]',
      },
    },
    destination,
  );
}
