/**
 * The terminal chat client: argument parsing and two front ends over the
 * reconnecting session of ./session.ts:
 *
 * - interactive (stdin is a TTY): a readline prompt that survives incoming
 *   lines, formatted and coloured by ./format.ts;
 * - pipe (stdin is not a TTY): input lines in, every server frame out as the
 *   exact JSON text, one per line, so scripts and tests can drive it.
 *
 * `runClient(argv, io)` is the whole program with its streams injected.
 */
export { backoffDelay } from "./session.js";
import { clearScreenDown, createInterface, cursorTo, moveCursor } from 'node:readline';
import { parseArgs } from 'node:util';
import { Outbox, Session, commandName, errorText, isReply, joinPayload } from "./session.js";
import { colourPaint, describeClose, formatFrame, parseServerFrame, plainPaint, sanitize, shouldColour, } from "./format.js";
// ---- arguments -------------------------------------------------------------
export const DEFAULT_URL = 'ws://localhost:8000/ws';
export const USAGE = `usage: wschat-client [username] [topic] [--url URL]

Chat on a wschat server. Missing names are asked for when standard input is a
terminal; otherwise both are required.

  --url, -u URL   server WebSocket URL (default ${DEFAULT_URL})
  --help, -h      show this help

Interactive: type a line to send it; /list /who /join <topic> /dm <user> <text>
/leave /help /quit are sent to the server. Ctrl-D or /quit exits.

Piped (stdin not a terminal): the join is sent first, then each input line as a
message (lines starting with / as commands). Every server frame is printed on
stdout as one JSON line; diagnostics go to stderr. Exit codes: 0 after a normal
close, 1 if the connection failed or was closed by the server, 2 for bad
arguments.`;
const SHORT_USAGE = `${USAGE.split('\n', 1)[0]}\n(--help for more)`;
export class UsageError extends Error {
    name = 'UsageError';
}
export function parseCliArgs(argv) {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            allowPositionals: true,
            strict: true,
            options: {
                url: { type: 'string', short: 'u' },
                help: { type: 'boolean', short: 'h' },
            },
        });
    }
    catch (error) {
        // parseArgs throws TypeErrors with messages fit for users (unknown option, missing value).
        throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    if (parsed.values.help)
        return 'help';
    if (parsed.positionals.length > 2) {
        throw new UsageError(`too many arguments: ${parsed.positionals.slice(2).join(' ')}`);
    }
    const url = parsed.values.url ?? DEFAULT_URL;
    let target;
    try {
        target = new URL(url);
    }
    catch {
        throw new UsageError(`invalid --url: ${url}`);
    }
    if (target.protocol !== 'ws:' && target.protocol !== 'wss:') {
        throw new UsageError(`--url must start with ws:// or wss://, got ${url}`);
    }
    // An empty argument counts as missing, so that it is asked for (or refused).
    const given = (value) => (value === undefined || value.trim() === '' ? undefined : value);
    return { username: given(parsed.positionals[0]), topic: given(parsed.positionals[1]), url };
}
export async function runClient(argv, io) {
    let args;
    try {
        args = parseCliArgs(argv);
    }
    catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        io.stderr.write(`wschat-client: ${error.message}\n${SHORT_USAGE}\n`);
        return 2;
    }
    if (args === 'help') {
        io.stdout.write(USAGE + '\n');
        return 0;
    }
    return io.stdin.isTTY === true ? runInteractive(args, io) : runPipe(args, io);
}
export async function main() {
    // A reader that went away (`| head`) is not an error worth a stack trace.
    process.stdout.on('error', () => process.exit(0));
    const stop = new AbortController();
    for (const signal of ['SIGINT', 'SIGTERM']) {
        process.on(signal, () => {
            // A second signal means now.
            if (stop.signal.aborted)
                process.exit(130);
            stop.abort();
        });
    }
    const code = await runClient(process.argv.slice(2), {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        stop: stop.signal,
    });
    // stdin may still hold the event loop open (e.g. /quit before the input
    // ended), so exit explicitly, once what we wrote has been handed over.
    process.stdout.write('', () => process.exit(code));
}
// ---- pipe mode -------------------------------------------------------------
/** Reconnect attempts before a piped client gives up (a person at a terminal can wait). */
const PIPE_MAX_ATTEMPTS = 5;
/** After the input ended: how long to wait for outstanding answers since the last frame. */
const DRAIN_IDLE_MS = 1000;
/** After /quit: how long the server has to close before we do. */
const QUIT_TIMEOUT_MS = 2000;
/** Stop reading input while this many lines wait to be sent. */
const INPUT_HIGH_WATER = 1000;
function runPipe(args, io) {
    const { username, topic: initialTopic, url } = args;
    if (username === undefined || initialTopic === undefined) {
        io.stderr.write(`wschat-client: username and topic are required when standard input is not a terminal\n${SHORT_USAGE}\n`);
        return Promise.resolve(2);
    }
    const diag = (text) => {
        io.stderr.write(`wschat-client: ${text}\n`);
    };
    return new Promise((resolve) => {
        let topic = initialTopic;
        let self;
        /** Frames sent on this connection that the server has not answered yet. */
        let pending = 0;
        let ref = 0;
        let inputEnded = false;
        let quitting = false;
        let idleTimer;
        let quitTimer;
        const session = new Session(url, PIPE_MAX_ATTEMPTS, {
            open(reconnected) {
                if (reconnected) {
                    if (pending > 0)
                        diag(`${pending} sent frame(s) were not answered before the connection dropped`);
                    diag(topic !== undefined ? `reconnected; rejoining ${topic} as ${username}` : 'reconnected (not in a topic)');
                }
                pending = 0;
                if (topic !== undefined)
                    outbox.unshift(joinPayload(username, topic), true);
                else
                    session.healthy();
                outbox.pump();
                maybeFinish();
            },
            text(data) {
                io.stdout.write(data + '\n');
                const frame = parseServerFrame(data);
                if (frame !== undefined) {
                    if (isReply(frame, self) && pending > 0)
                        pending--;
                    if (frame.type === 'welcome') {
                        topic = typeof frame['topic'] === 'string' ? frame['topic'] : topic;
                        self = typeof frame['username'] === 'string' ? frame['username'] : self;
                        session.healthy();
                    }
                    else if (frame.type === 'left' && self !== undefined && frame['username'] === self) {
                        topic = undefined; // /leave: back in the lobby, nothing to rejoin
                    }
                    else if (frame.type === 'error' && frame['code'] === 'invalid_join' && self === undefined) {
                        topic = undefined; // a refused join would be refused again after a reconnect
                        session.healthy();
                    }
                }
                else {
                    diag('the server sent a frame that is not a JSON object');
                }
                maybeFinish();
            },
            binary(bytes) {
                diag(`ignored a binary frame of ${bytes} bytes`);
            },
            retrying({ attempt, maxAttempts, delayMs, cause }) {
                diag(`${cause}; reconnecting in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt}/${maxAttempts})`);
            },
            ended(info) {
                clearTimeout(idleTimer);
                clearTimeout(quitTimer);
                outbox.stop();
                input.close();
                if (info.kind === 'closed') {
                    if (info.requested) {
                        resolve(0);
                        return;
                    }
                    diag(`the server closed the connection: ${describeClose(info.code, info.reason)}`);
                    resolve(1);
                    return;
                }
                diag(info.gaveUp ? `giving up after ${info.attempts} failed attempt(s): ${errorText(info.error)}` : `cannot connect to ${url}: ${errorText(info.error)}`);
                resolve(1);
            },
        });
        const outbox = new Outbox((text) => session.send(text), (item) => {
            if (item.expectsReply)
                pending++;
            if (outbox.size < INPUT_HIGH_WATER / 10)
                input.resume();
        });
        /** Once the input has ended: close when everything is answered, or after a quiet second. */
        function maybeFinish() {
            if (!inputEnded || quitting || !session.isOpen)
                return;
            if (outbox.size === 0 && pending === 0) {
                session.close(1000);
                return;
            }
            clearTimeout(idleTimer);
            idleTimer = setTimeout(() => {
                if (outbox.size === 0)
                    session.close(1000);
                else
                    maybeFinish();
            }, DRAIN_IDLE_MS);
        }
        const input = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
        input.on('line', (line) => {
            if (quitting || line === '')
                return;
            if (line.startsWith('/')) {
                if (commandName(line) === 'quit') {
                    quitting = true;
                    if (!session.isOpen) {
                        session.close(1000);
                        return;
                    }
                    session.expectClose();
                    outbox.push(line, false);
                    quitTimer = setTimeout(() => session.close(1000), QUIT_TIMEOUT_MS + outbox.size * 25);
                    return;
                }
                outbox.push(line, true);
            }
            else {
                outbox.push(JSON.stringify({ message: line, ref: ++ref }), true);
            }
            if (outbox.size >= INPUT_HIGH_WATER)
                input.pause();
        });
        input.on('close', () => {
            inputEnded = true;
            maybeFinish();
        });
        io.stop?.addEventListener('abort', () => {
            quitting = true;
            session.close(1000);
        });
        session.start();
    });
}
// ---- interactive mode ------------------------------------------------------
/** Typing notices go out at most this often. */
const TYPING_INTERVAL_MS = 2000;
/** The same user's typing notice is shown at most this often. */
const TYPING_SHOW_INTERVAL_MS = 10_000;
/** Message keys remembered to avoid showing history twice after a rejoin. */
const SEEN_LIMIT = 5000;
/**
 * Prints lines above the prompt without losing what is being typed: go to
 * where the prompt starts (the input may wrap over several rows), clear down,
 * print, then let readline redraw the prompt, the partly typed line and the
 * cursor. Its redraw first moves up by the row it believes the cursor is on
 * (`prevRows`, which it does not update when a pasted chunk wraps), so that
 * many newlines follow the text, to have the prompt drawn just below it.
 */
function printAbove(rl, out, text, fancy) {
    if (!fancy) {
        out.write(text + '\n');
        return;
    }
    const { rows } = rl.getCursorPos();
    const believed = rl.prevRows;
    moveCursor(out, 0, -rows);
    cursorTo(out, 0);
    clearScreenDown(out);
    out.write(text + '\n' + '\n'.repeat(typeof believed === 'number' ? believed : 0));
    rl.prompt(true);
}
function messageKey(message) {
    return `${String(message['id'])}|${String(message['timestamp'])}|${String(message['username'])}`;
}
async function runInteractive(args, io) {
    const { stdin, stdout } = io;
    const { url } = args;
    const fancy = stdout.isTTY === true;
    const paint = shouldColour(fancy, io.env) ? colourPaint() : plainPaint;
    const rl = createInterface({ input: stdin, output: stdout, terminal: fancy, historySize: 200 });
    // ---- state (all declared before any handler can run) ----
    /** The name we ask for; the server may answer with a deduplicated one (`self`). */
    let requested = args.username ?? '';
    /** The topic to (re)join on connect; undefined in the lobby. */
    let topic = args.topic;
    let self;
    let joined = false;
    let started = false;
    let quitting = false;
    let finished = false;
    let ref = 0;
    let lastTypingSent = 0;
    const typingShown = new Map();
    const seen = new Set();
    let resolveDone = () => { };
    const done = new Promise((resolve) => {
        resolveDone = resolve;
    });
    function finish(code) {
        if (finished)
            return;
        finished = true;
        outbox.stop();
        // Leave the screen ending with the last message, not a dead prompt.
        if (fancy) {
            moveCursor(stdout, 0, -rl.getCursorPos().rows);
            cursorTo(stdout, 0);
            clearScreenDown(stdout);
        }
        rl.close();
        resolveDone(code);
    }
    // ---- output ----
    const print = (lines) => {
        if (lines.length > 0 && !finished)
            printAbove(rl, stdout, lines.join('\n'), fancy);
    };
    const notice = (text) => print([paint.system(`* ${text}`)]);
    const redraw = () => {
        const where = !session.isOpen ? 'offline' : joined && topic !== undefined ? topic : 'lobby';
        rl.setPrompt(`${paint.system(where)} ${paint.name(self ?? requested)}> `);
        // readline's redraw clears the old prompt rows itself.
        if (fancy && !finished && started)
            rl.prompt(true);
    };
    const show = (frame) => print(formatFrame(frame, { self, requested, paint }));
    /** False if this message is already on screen (history repeated after a rejoin). */
    const remember = (message) => {
        const key = messageKey(message);
        if (seen.has(key))
            return false;
        seen.add(key);
        if (seen.size > SEEN_LIMIT)
            seen.delete(seen.values().next().value);
        return true;
    };
    function onFrame(frame) {
        switch (frame.type) {
            case 'welcome': {
                self = typeof frame['username'] === 'string' ? frame['username'] : self;
                topic = typeof frame['topic'] === 'string' ? frame['topic'] : topic;
                joined = true;
                session.healthy();
                typingShown.clear();
                const history = Array.isArray(frame['history']) ? frame['history'] : [];
                const fresh = history.filter((m) => typeof m === 'object' && m !== null && remember(m));
                show({ ...frame, history: fresh });
                redraw();
                return;
            }
            case 'message':
                typingShown.delete(String(frame['username']));
                if (!remember(frame))
                    return;
                break;
            case 'typing': {
                // One notice per user per interval: typing frames come every couple of seconds.
                const who = String(frame['username']);
                const now = Date.now();
                const last = typingShown.get(who);
                if (last !== undefined && now - last < TYPING_SHOW_INTERVAL_MS)
                    return;
                typingShown.set(who, now);
                break;
            }
            case 'left':
                if (self !== undefined && frame['username'] === self) {
                    joined = false;
                    topic = undefined; // the answer to /leave: nothing to rejoin after a reconnect
                    show(frame);
                    redraw();
                    return;
                }
                break;
            case 'error':
                if (frame['code'] === 'invalid_join' && !joined) {
                    show(frame);
                    topic = undefined;
                    session.healthy();
                    void retryJoin();
                    return;
                }
                break;
        }
        show(frame);
    }
    // ---- connection ----
    const session = new Session(url, Infinity, {
        open(reconnected) {
            if (topic !== undefined) {
                notice(reconnected ? `reconnected to ${url}; rejoining ${topic} as ${requested}` : `connected to ${url}`);
                outbox.unshift(joinPayload(requested, topic), true);
            }
            else {
                notice(reconnected ? 'reconnected (in the lobby: /join <topic>)' : `connected to ${url}`);
                session.healthy();
            }
            outbox.pump();
            redraw();
        },
        text(data) {
            const frame = parseServerFrame(data);
            if (frame === undefined)
                print([paint.dim(`? ${sanitize(data)}`)]);
            else
                onFrame(frame);
        },
        binary(bytes) {
            print([paint.dim(`? binary frame of ${bytes} bytes ignored`)]);
        },
        retrying({ attempt, delayMs, cause }) {
            joined = false;
            notice(`${cause}; reconnecting in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt})`);
            redraw();
        },
        ended(info) {
            if (info.kind === 'closed') {
                if (!info.requested)
                    print([paint.error(`connection closed by the server: ${describeClose(info.code, info.reason)}`)]);
                finish(info.requested ? 0 : 1);
                return;
            }
            print([paint.error(`cannot connect to ${url}: ${errorText(info.error)}`)]);
            finish(1);
        },
    });
    const outbox = new Outbox((text) => session.send(text), () => { });
    function quit() {
        if (quitting || finished)
            return;
        quitting = true;
        if (!started) {
            finish(0);
            return;
        }
        if (!session.isOpen) {
            session.close(1000);
            return;
        }
        // /quit lets the server say goodbye; close ourselves if it does not.
        session.expectClose();
        outbox.push('/quit', false);
        setTimeout(() => session.close(1000), QUIT_TIMEOUT_MS).unref();
    }
    // ---- input ----
    /** Ctrl-C clears a typed line; on an empty line it quits, as Ctrl-D does. */
    rl.on('SIGINT', () => {
        if (rl.line.length > 0) {
            rl.write(null, { ctrl: true, name: 'u' });
            return;
        }
        quit();
    });
    rl.on('close', () => {
        if (!finished)
            quit();
    });
    io.stop?.addEventListener('abort', () => quit());
    const ask = (query) => new Promise((resolve) => rl.question(query, resolve));
    async function askNames(defaults) {
        const askOne = async (label, current) => {
            for (;;) {
                const answer = (await ask(current ? `${label} [${current}]: ` : `${label}: `)).trim();
                if (answer !== '')
                    return answer;
                if (current)
                    return current;
            }
        };
        const username = await askOne('username', defaults.username);
        const topic = await askOne('topic', defaults.topic);
        return { username, topic };
    }
    async function retryJoin() {
        notice('the join was refused; try other names (Ctrl-D to quit)');
        const names = await askNames({ username: requested, topic: topic ?? args.topic });
        requested = names.username;
        topic = names.topic;
        if (session.isOpen)
            outbox.push(joinPayload(requested, topic), true);
        redraw();
    }
    if (args.username === undefined || args.topic === undefined) {
        // Ctrl-D or Ctrl-C at a question ends the program without connecting.
        const names = await Promise.race([askNames({ username: args.username, topic: args.topic }), done]);
        if (typeof names === 'number')
            return names;
        requested = names.username;
        topic = names.topic;
    }
    rl.on('line', (line) => {
        if (quitting)
            return;
        if (line.trim() === '') {
            rl.prompt();
            return;
        }
        if (!session.isOpen)
            notice('not connected: this will be sent after reconnecting');
        if (line.startsWith('/')) {
            const name = commandName(line);
            if (name === 'quit') {
                quit();
                return;
            }
            if (name === 'join' && topic === undefined) {
                // In the lobby the server refuses /join; a join payload does what was meant.
                const wanted = line.slice('/join'.length).trim();
                if (wanted === '')
                    notice('usage: /join <topic>');
                else {
                    topic = wanted;
                    outbox.push(joinPayload(requested, wanted), true);
                }
            }
            else {
                outbox.push(line, true);
            }
        }
        else {
            outbox.push(JSON.stringify({ message: line, ref: ++ref }), true);
        }
        rl.prompt();
    });
    // Typing notices, throttled; not for commands, not for Enter itself.
    stdin.on('keypress', (_chunk, key) => {
        if (!joined || quitting || !session.isOpen)
            return;
        if (key?.name === 'return' || key?.name === 'enter' || key?.ctrl)
            return;
        if (rl.line.startsWith('/'))
            return;
        const now = Date.now();
        if (now - lastTypingSent < TYPING_INTERVAL_MS)
            return;
        lastTypingSent = now;
        outbox.sendIfIdle('{"typing":true}');
    });
    started = true;
    redraw();
    rl.prompt();
    notice(`connecting to ${url}…`);
    session.start();
    return done;
}
