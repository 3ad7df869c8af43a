/**
 * One line per event on standard error, with a level. A fault caused by a
 * client is logged without a stack; a stack trace means a bug in the server.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields, error?: unknown): void;
}

/** `key=value` pairs, quoting values that contain spaces or quotes. */
function formatFields(fields: LogFields | undefined): string {
  if (!fields) return '';
  let out = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = String(value);
    out += ` ${key}=${/[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text}`;
  }
  return out;
}

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const log = (at: LogLevel, event: string, fields?: LogFields, error?: unknown): void => {
    if (LOG_LEVELS.indexOf(at) < threshold) return;
    let line = `${new Date().toISOString()} ${at} ${event}${formatFields(fields)}`;
    if (error instanceof Error && error.stack) line += `\n${error.stack}`;
    else if (error !== undefined) line += ` error=${JSON.stringify(String(error))}`;
    write(line + '\n');
  };
  return {
    debug: (event, fields) => log('debug', event, fields),
    info: (event, fields) => log('info', event, fields),
    warn: (event, fields) => log('warn', event, fields),
    error: (event, fields, error) => log('error', event, fields, error),
  };
}
