export const COMMAND_VERSION = 1;
export function processOf(conn) {
    const dot = conn.lastIndexOf('.');
    return dot === -1 ? conn : conn.slice(0, dot);
}
const TYPES = new Set(['join', 'move', 'leave', 'say', 'dm', 'typing', 'tick', 'stop', 'restore']);
export function decodeCommand(json) {
    let value;
    try {
        value = JSON.parse(json);
    }
    catch {
        return { unknown: 'not JSON' };
    }
    if (value === null || typeof value !== 'object')
        return { unknown: 'not an object' };
    const record = value;
    if (record['v'] !== COMMAND_VERSION)
        return { unknown: `version ${String(record['v'])}` };
    if (typeof record['t'] !== 'string' || !TYPES.has(record['t']))
        return { unknown: `type ${String(record['t'])}` };
    return value;
}
