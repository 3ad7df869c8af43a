const SEEN_LIMIT = 10_000;
export function asMessage(value) {
    if (typeof value !== 'object' || value === null)
        return undefined;
    const m = value;
    if (typeof m['id'] !== 'number' || !Number.isSafeInteger(m['id']))
        return undefined;
    if (typeof m['username'] !== 'string' || typeof m['message'] !== 'string')
        return undefined;
    return value;
}
export class ChatState {
    requested;
    topic;
    self;
    #selfTopic;
    joined = false;
    #token;
    #highest = new Map();
    #seen = new Map();
    #unacked = new Map();
    #maybeLost = [];
    #reconnecting = false;
    #ref = 0;
    constructor(requested, topic) {
        this.requested = requested;
        this.topic = topic;
    }
    highestId(topic) {
        return this.#highest.get(topic);
    }
    hasToken(topic) {
        return this.#token?.topic === topic;
    }
    joinPayload() {
        const topic = this.topic;
        if (topic === undefined)
            return undefined;
        const again = this.self !== undefined && this.#selfTopic === topic;
        const payload = { username: again ? this.self : this.requested, topic };
        if (this.#token?.topic === topic)
            payload.resume = this.#token.token;
        const since = this.#highest.get(topic);
        if (since !== undefined)
            payload.since = since;
        return payload;
    }
    chatMessage(text) {
        const ref = ++this.#ref;
        this.#unacked.set(ref, { text, sent: false });
        return { text: JSON.stringify({ message: text, ref }), ref };
    }
    markSent(ref) {
        const entry = this.#unacked.get(ref);
        if (entry !== undefined)
            entry.sent = true;
    }
    connectionLost() {
        this.joined = false;
        this.#reconnecting = true;
        for (const [ref, entry] of this.#unacked) {
            if (!entry.sent)
                continue;
            this.#maybeLost.push(entry.text);
            this.#unacked.delete(ref);
        }
    }
    receive(frame) {
        switch (frame.type) {
            case 'welcome':
                return this.#welcome(frame);
            case 'message': {
                const message = asMessage(frame);
                if (message === undefined)
                    return { frame, notes: [] };
                if (!this.#remember(message))
                    return { frame: undefined, notes: [] };
                return { frame, notes: [] };
            }
            case 'ack':
                return this.#ack(frame);
            case 'left':
                if (this.self !== undefined && frame['username'] === this.self && frame['topic'] === this.#selfTopic) {
                    this.joined = false;
                    this.topic = undefined;
                    this.#token = undefined;
                }
                return { frame, notes: [] };
            case 'error':
                if (frame['code'] === 'invalid_join' && !this.joined) {
                    this.topic = undefined;
                }
                return { frame, notes: [] };
            default:
                return { frame, notes: [] };
        }
    }
    #welcome(frame) {
        const notes = [];
        if (typeof frame['username'] === 'string')
            this.self = frame['username'];
        if (typeof frame['topic'] === 'string')
            this.topic = frame['topic'];
        const topic = this.topic ?? '';
        this.#selfTopic = this.topic;
        this.joined = true;
        this.#token = typeof frame['resumeToken'] === 'string' ? { topic, token: frame['resumeToken'] } : undefined;
        const reconnect = this.#reconnecting;
        this.#reconnecting = false;
        if (frame['recovered'] === false) {
            this.#highest.delete(topic);
            notes.push('some messages may have been missed while the connection was down (they expired or the topic started over)');
        }
        const raw = Array.isArray(frame['history']) ? frame['history'] : [];
        const valid = raw.map(asMessage).filter((m) => m !== undefined);
        valid.sort((a, b) => a.id - b.id);
        const history = valid.filter((m) => this.#remember({ ...m, topic }));
        const lost = this.#maybeLost;
        this.#maybeLost = [];
        if (lost.length > 0) {
            const ours = valid.filter((m) => m.username === this.self).map((m) => m.message);
            for (const text of lost) {
                const at = ours.indexOf(text);
                if (at >= 0)
                    ours.splice(at, 1);
                else
                    notes.push(`this message may not have been delivered (the connection dropped before the server confirmed it): ${text}`);
            }
        }
        const passed = history.length === raw.length ? frame : { ...frame, history };
        return { frame: passed, welcome: { reconnect, resumed: frame['resumed'] === true, history }, notes };
    }
    #ack(frame) {
        const ref = frame['ref'];
        const entry = typeof ref === 'string' || typeof ref === 'number' ? this.#unacked.get(ref) : undefined;
        if (entry === undefined || frame['to'] !== undefined || typeof frame['id'] !== 'number')
            return { frame, notes: [] };
        this.#unacked.delete(ref);
        const text = entry.text;
        const sent = {
            type: 'message',
            id: frame['id'],
            topic: this.topic ?? '',
            username: this.self ?? this.requested,
            message: text,
            timestamp: typeof frame['timestamp'] === 'number' ? frame['timestamp'] : Math.floor(Date.now() / 1000),
        };
        this.#remember(sent);
        return { frame, sent, notes: [] };
    }
    #remember(message) {
        const topic = typeof message.topic === 'string' && message.topic !== '' ? message.topic : (this.topic ?? '');
        const key = `${topic}\n${message.id}`;
        const who = `${message.username}\n${message.timestamp}`;
        if (this.#seen.get(key) === who)
            return false;
        this.#seen.set(key, who);
        if (this.#seen.size > SEEN_LIMIT)
            this.#seen.delete(this.#seen.keys().next().value);
        const highest = this.#highest.get(topic);
        if (highest === undefined || message.id > highest)
            this.#highest.set(topic, message.id);
        return true;
    }
}
export function isReply(frame, self) {
    switch (frame.type) {
        case 'welcome':
        case 'ack':
        case 'error':
        case 'topics':
        case 'users':
        case 'help':
            return true;
        case 'left':
            return self !== undefined && frame['username'] === self;
        default:
            return false;
    }
}
export function commandName(line) {
    return line.slice(1).split(/\s/, 1)[0] ?? '';
}
