export function captureSnapshot(parts) {
    const { membership, store, tokens, liveness } = parts;
    store.expire(liveness.now);
    const topics = [...membership.topics.values()];
    return {
        state: {
            version: 1,
            now: liveness.now,
            liveNow: liveness.liveNow,
            lastId: parts.lastId,
            messagesTotal: parts.messagesTotal,
            lastSeen: [...liveness.lastSeen],
            topics: topics.map((t) => ({
                name: t.name,
                createdAfterId: t.history.createdAfterId,
                goneUpToId: t.history.goneUpToId,
                members: t.members.map((m) => [m.conn, m.username, m.requested, m.ghostUntil ?? null]),
            })),
            tokens: tokens.records().map((r) => [r.token, r.conn, r.topic, r.username, r.endedAt ?? null]),
        },
        messages: topics.map((t) => t.history.messages.freeze()),
    };
}
export function takeSnapshot(parts) {
    const { state, messages } = captureSnapshot(parts);
    return { ...state, topics: state.topics.map((t, i) => ({ ...t, messages: messages[i].entries() })) };
}
export function* snapshotJson(captured) {
    const { topics, ...rest } = captured.state;
    yield JSON.stringify(rest).slice(0, -1) + ',"topics":[';
    for (let i = 0; i < topics.length; i++) {
        const head = JSON.stringify(topics[i]).slice(0, -1);
        yield (i > 0 ? ',' : '') + head + ',"messages":' + JSON.stringify(captured.messages[i].entries()) + '}';
    }
    yield ']}';
}
export function restoreSnapshot(snapshot, parts) {
    const { membership, store, tokens, liveness } = parts;
    liveness.now = snapshot.now;
    liveness.liveNow = snapshot.liveNow;
    for (const [process, seenAt] of snapshot.lastSeen)
        liveness.lastSeen.set(process, seenAt);
    const ghosts = [];
    const messages = [];
    for (const t of snapshot.topics) {
        const topic = membership.topic(t.name, t.createdAfterId);
        topic.history.goneUpToId = t.goneUpToId;
        for (const [conn, username, requested, ghostUntil] of t.members) {
            const member = membership.add(conn, topic, username, requested);
            if (ghostUntil !== null)
                ghosts.push({ member, ghostUntil });
        }
        for (const [id, expiresAt, json] of t.messages)
            messages.push({ history: topic.history, id, expiresAt, json });
    }
    messages.sort((a, b) => a.id - b.id);
    for (const m of messages)
        store.restore(m.history, m.id, m.json, m.expiresAt);
    ghosts.sort((a, b) => a.ghostUntil - b.ghostUntil);
    for (const { member, ghostUntil } of ghosts)
        membership.startGrace(member, ghostUntil);
    for (const [token, conn, topic, username, endedAt] of snapshot.tokens)
        tokens.load({ token, conn, topic, username, endedAt: endedAt ?? undefined });
    return { lastId: snapshot.lastId, messagesTotal: snapshot.messagesTotal };
}
