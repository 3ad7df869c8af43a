import { createInterface } from 'node:readline';
import { ChatState, commandName } from "./chat-state.js";
import { CLIENT_HELP, colourPaint, formatFrame, formatMessage, parseServerFrame, plainPaint, sanitize, shouldColour, typingStatus } from "./format.js";
import { Outbox } from "./outbox.js";
import { Screen } from "./screen.js";
import { Session, describeEnd } from "./session.js";
const TYPING_INTERVAL_MS = 2000;
const TYPING_SHOWN_MS = 5000;
const QUIT_TIMEOUT_MS = 2000;
export async function runInteractive(args, io) {
    const { stdin, stdout } = io;
    const { url } = args;
    const fancy = stdout.isTTY === true;
    const paint = shouldColour(fancy, io.env) ? colourPaint() : plainPaint;
    const rl = createInterface({ input: stdin, output: stdout, terminal: fancy, historySize: 200 });
    const screen = new Screen(rl, stdout, fancy);
    const state = new ChatState(args.username ?? '', args.topic);
    let started = false;
    let quitting = false;
    let finished = false;
    let lastTypingSent = 0;
    const typing = new Map();
    let typingTimer;
    let resolveDone = () => { };
    const done = new Promise((resolve) => {
        resolveDone = resolve;
    });
    function finish(code) {
        if (finished)
            return;
        finished = true;
        outbox.stop();
        clearTimeout(typingTimer);
        screen.close();
        rl.close();
        resolveDone(code);
    }
    const prompt = () => {
        if (fancy && !finished)
            rl.prompt();
    };
    const notice = (text) => screen.print([paint.system(`* ${text}`)]);
    const redraw = () => {
        const where = !session.isOpen ? 'offline' : state.joined && state.topic !== undefined ? state.topic : 'lobby';
        rl.setPrompt(`${paint.system(where)} ${paint.name(state.self ?? state.requested)}> `);
        if (fancy && !finished && started)
            rl.prompt(true);
    };
    function showTyping() {
        clearTimeout(typingTimer);
        const now = Date.now();
        for (const [who, until] of typing)
            if (until <= now)
                typing.delete(who);
        const columns = stdout.columns ?? 80;
        const text = typingStatus([...typing.keys()]);
        screen.setStatus(text === '' ? '' : paint.dim(text.slice(0, Math.max(10, columns - 1))));
        if (typing.size > 0)
            typingTimer = setTimeout(showTyping, Math.min(...typing.values()) - now + 10).unref();
    }
    function show(update) {
        const frame = update.frame;
        const view = { self: state.self, requested: state.requested, paint };
        if (update.welcome !== undefined && frame !== undefined) {
            typing.clear();
            showTyping();
            const { reconnect, resumed, history } = update.welcome;
            if (reconnect && resumed) {
                notice(`reconnected: still ${state.self ?? ''} in ${state.topic ?? ''}`);
                screen.print(history.map((m) => formatMessage(m, paint)));
            }
            else {
                screen.print(formatFrame(frame, view));
            }
        }
        else if (update.sent !== undefined) {
            screen.print([formatMessage(update.sent, paint)]);
        }
        else if (frame !== undefined) {
            if (frame.type === 'typing') {
                if (typeof frame['username'] === 'string')
                    typing.set(frame['username'], Date.now() + TYPING_SHOWN_MS);
                showTyping();
                return;
            }
            if (frame.type === 'message' && typeof frame['username'] === 'string' && typing.delete(frame['username']))
                showTyping();
            screen.print(formatFrame(frame, view));
        }
        for (const note of update.notes)
            screen.print([paint.error(`! ${sanitize(note)}`)]);
    }
    const session = new Session(url, { maxAttempts: Infinity, ca: args.ca, rejectUnauthorized: args.insecure ? false : undefined, keepaliveMs: args.keepaliveMs }, {
        open(reconnected) {
            const join = state.joinPayload();
            if (join !== undefined) {
                if (!reconnected)
                    notice(`connected to ${url}`);
                outbox.unshift(JSON.stringify(join), true);
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
            if (frame === undefined) {
                screen.print([paint.dim(`? ${sanitize(data)}`)]);
                return;
            }
            const wasJoined = state.joined;
            const update = state.receive(frame);
            if (frame.type === 'welcome')
                session.healthy();
            show(update);
            if (frame.type === 'error' && frame['code'] === 'invalid_join' && !wasJoined) {
                session.healthy();
                void retryJoin();
            }
            if (frame.type === 'welcome' || frame.type === 'left')
                redraw();
        },
        binary(bytes) {
            screen.print([paint.dim(`? binary frame of ${bytes} bytes ignored`)]);
        },
        retrying({ attempt, delayMs, cause }) {
            state.connectionLost();
            typing.clear();
            showTyping();
            notice(`${cause}; reconnecting in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt})`);
            redraw();
        },
        ended(info) {
            if (!(info.kind === 'closed' && info.requested))
                screen.print([paint.error(describeEnd(info, url))]);
            finish(info.kind === 'closed' && info.requested ? 0 : 1);
        },
    });
    const outbox = new Outbox((text) => session.send(text), (item) => {
        if (item.ref !== undefined)
            state.markSent(item.ref);
    });
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
        session.expectClose();
        outbox.push('/quit', false);
        setTimeout(() => session.close(1000), QUIT_TIMEOUT_MS).unref();
    }
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
        const names = await askNames({ username: state.requested, topic: args.topic });
        state.requested = names.username;
        state.topic = names.topic;
        const join = state.joinPayload();
        if (session.isOpen && join !== undefined)
            outbox.push(JSON.stringify(join), true);
        redraw();
    }
    if (args.username === undefined || args.topic === undefined) {
        const names = await Promise.race([askNames({ username: args.username, topic: args.topic }), done]);
        if (typeof names === 'number')
            return names;
        state.requested = names.username;
        state.topic = names.topic;
    }
    rl.on('line', (line) => {
        if (quitting)
            return;
        if (line.trim() === '') {
            prompt();
            return;
        }
        if (line.startsWith('/')) {
            const name = commandName(line);
            if (name === 'quit') {
                quit();
                return;
            }
            if (name === 'help') {
                screen.print(CLIENT_HELP.split('\n').map((l) => paint.system(l)));
                prompt();
                return;
            }
            if (!session.isOpen)
                notice('not connected: this will be sent after reconnecting');
            if (name === 'join' && state.topic === undefined) {
                const wanted = line.slice('/join'.length).trim();
                if (wanted === '')
                    notice('usage: /join <topic>');
                else {
                    state.topic = wanted;
                    outbox.push(JSON.stringify(state.joinPayload()), true);
                }
            }
            else {
                outbox.push(line, true);
            }
        }
        else {
            if (!session.isOpen)
                notice('not connected: this will be sent after reconnecting');
            const chat = state.chatMessage(line);
            outbox.push(chat.text, true, chat.ref);
        }
        prompt();
    });
    stdin.on('keypress', (_chunk, key) => {
        if (!state.joined || quitting || !session.isOpen)
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
    prompt();
    notice(`connecting to ${url}…`);
    session.start();
    return done;
}
