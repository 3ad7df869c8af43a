import { createInterface } from 'node:readline';
import { SHORT_USAGE } from "./args.js";
import { ChatState, commandName, isReply } from "./chat-state.js";
import { parseServerFrame } from "./format.js";
import { Outbox } from "./outbox.js";
import { Session, describeEnd } from "./session.js";
const MAX_ATTEMPTS = 5;
const DRAIN_IDLE_MS = 1000;
const QUIT_TIMEOUT_MS = 2000;
const INPUT_HIGH_WATER = 1000;
export function runScript(args, io) {
    const { username, topic, url } = args;
    if (username === undefined || topic === undefined) {
        io.stderr.write(`wschat-client: username and topic are required when standard input is not a terminal\n${SHORT_USAGE}\n`);
        return Promise.resolve(2);
    }
    const diag = (text) => {
        io.stderr.write(`wschat-client: ${text}\n`);
    };
    const state = new ChatState(username, topic);
    return new Promise((resolve) => {
        let pending = 0;
        let inputEnded = false;
        let quitting = false;
        let idleTimer;
        let quitTimer;
        const session = new Session(url, { maxAttempts: MAX_ATTEMPTS, ca: args.ca, rejectUnauthorized: args.insecure ? false : undefined, keepaliveMs: args.keepaliveMs }, {
            open(reconnected) {
                if (reconnected) {
                    if (pending > 0)
                        diag(`${pending} sent frame(s) were not answered before the connection dropped`);
                }
                pending = 0;
                const join = state.joinPayload();
                if (reconnected)
                    diag(join !== undefined ? `reconnected; rejoining ${join.topic} as ${join.username}${join.resume !== undefined ? ' (resuming)' : ''}` : 'reconnected (not in a topic)');
                if (join !== undefined)
                    outbox.unshift(JSON.stringify(join), true);
                else
                    session.healthy();
                outbox.pump();
                maybeFinish();
            },
            text(data) {
                const frame = parseServerFrame(data);
                if (frame === undefined) {
                    io.stdout.write(data + '\n');
                    diag('the server sent a frame that is not a JSON object');
                    return;
                }
                const selfBefore = state.self;
                const update = state.receive(frame);
                if (isReply(frame, selfBefore) && pending > 0)
                    pending--;
                if (update.frame !== undefined)
                    io.stdout.write((update.frame === frame ? data : JSON.stringify(update.frame)) + '\n');
                for (const note of update.notes)
                    diag(note);
                if (frame.type === 'welcome' || (frame.type === 'error' && frame['code'] === 'invalid_join'))
                    session.healthy();
                maybeFinish();
            },
            binary(bytes) {
                diag(`ignored a binary frame of ${bytes} bytes`);
            },
            retrying({ attempt, maxAttempts, delayMs, cause }) {
                state.connectionLost();
                diag(`${cause}; reconnecting in ${(delayMs / 1000).toFixed(1)} s (attempt ${attempt}/${maxAttempts})`);
            },
            ended(info) {
                clearTimeout(idleTimer);
                clearTimeout(quitTimer);
                outbox.stop();
                input.close();
                if (info.kind === 'closed' && info.requested) {
                    resolve(0);
                    return;
                }
                diag(describeEnd(info, url));
                resolve(1);
            },
        });
        const outbox = new Outbox((text) => session.send(text), (item) => {
            if (item.ref !== undefined)
                state.markSent(item.ref);
            if (item.expectsReply)
                pending++;
            if (outbox.size < INPUT_HIGH_WATER / 10)
                input.resume();
        });
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
                const chat = state.chatMessage(line);
                outbox.push(chat.text, true, chat.ref);
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
