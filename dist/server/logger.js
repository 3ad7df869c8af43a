export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];
const BREAKS_LINE = /[\p{Cc}\u2028\u2029]/u;
function formatValue(text) {
    if (text !== '' && !/[\s"=\\]/.test(text) && !BREAKS_LINE.test(text))
        return text;
    return JSON.stringify(text).replace(/[\p{Cc}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
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
export function streamWriter(stream) {
    let broken = false;
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
            broken = true;
        }
    };
}
let stderrWriter;
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
