import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Paths that never reach a log line in full: credentials, tokens, and card submission payloads
 * (they can carry free text typed by users). Child loggers inherit the redaction.
 */
export const REDACTED_PATHS = [
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'refreshToken',
  '*.refreshToken',
  'refresh_token',
  '*.refresh_token',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'cardValue',
  '*.cardValue',
  'activity.value',
];

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    base: { service: 'azure-plan-ops' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(base);
}

/** A logger that drops everything: for tests that do not look at logs and for library defaults. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
