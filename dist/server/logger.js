export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];
/** Control characters, line and paragraph separators: they could split or forge a line. */
const BREAKS_LINE = /[\p{Cc}\u2028\u2029]/u;
/** A value as one token: bare when it can be, else a JSON string with every line breaker escaped. */
function formatValue(text) {
    if (text !== '' && !/[\s"=\\]/.test(text) && !BREAKS_LINE.test(text))
        return text;
    return JSON.stringify(text).replace(/[\p{Cc}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/** `key=value` pairs. */
function formatFields(fields) {
    if (!fields)
        return '';
    let out = '';
    for (const [key, value] of Object.entries(fields)) {
        if (value === undefined)
            continue;
        out += ` ${key}=${formatValue(String(value))}`;
    }
    return out;
}
/**
 * Writes lines to `stream` until it fails once; after that, nothing more is
 * written (a broken standard error has nobody reading it). Never throws.
 */
export function streamWriter(stream) {
    let broken = false;
    // Without a listener, the stream's 'error' would be an uncaught exception,
    // whose handler logs, which fails again: the loop of a closed stderr.
    stream.on('error', () => {
        broken = true;
    });
    return (line) => {
        if (broken || stream.destroyed || stream.writableEnded)
            return;
        try {
            stream.write(line);
        }
        catch {
            broken = true; // EBADF from a synchronous write
        }
    };
}
let stderrWriter;
/** One writer (one error listener) for process.stderr however many loggers use it. */
function defaultWriter() {
    stderrWriter ??= streamWriter(process.stderr);
    return stderrWriter;
}
export function createLogger(level = 'info', write = defaultWriter()) {
    const threshold = LOG_LEVELS.indexOf(level);
    const log = (at, event, fields, error) => {
        if (LOG_LEVELS.indexOf(at) < threshold)
            return;
        let line = `${new Date().toISOString()} ${at} ${formatValue(event)}${formatFields(fields)}`;
        if (error instanceof Error)
            line += formatFields({ error: error.message, stack: error.stack });
        else if (error !== undefined)
            line += formatFields({ error: String(error) });
        try {
            write(line + '\n');
        }
        catch {
            // A failing sink must not turn a log call into an exception.
        }
    };
    return {
        debugEnabled: threshold === 0,
        debug: (event, fields) => log('debug', event, fields),
        info: (event, fields) => log('info', event, fields),
        warn: (event, fields) => log('warn', event, fields),
        error: (event, fields, error) => log('error', event, fields, error),
    };
}
