/**
 * The replica's whole shared state as plain JSON-able data, and back. A new
 * process of a cluster, or one whose place in the log was trimmed away,
 * starts from a snapshot and applies the log from the entry it reflects;
 * restoring a snapshot gives a replica whose future effects are the same
 * (a property test checks it).
 */
import type { ConnKey } from './commands.ts';
import type { FrozenFrames } from './frame-queue.ts';
import type { MessageStore, TopicHistory } from './history.ts';
import type { Liveness } from './liveness.ts';
import type { Membership } from './membership.ts';
import type { TokenBook } from './resume.ts';

export interface ReplicaSnapshot {
  version: 1;
  now: number;
  liveNow: number;
  lastId: number;
  messagesTotal: number;
  lastSeen: [string, number][];
  topics: {
    name: string;
    createdAfterId: number;
    goneUpToId: number;
    /** [conn, username, requested name, end of grace or null] in list order. */
    members: (readonly [ConnKey, string, string, number | null])[];
    /** [id, expiresAt, frame] oldest first. */
    messages: (readonly [number, number, string])[];
  }[];
  /** [token, conn, topic, username, endedAt or null]. */
  tokens: (readonly [string, ConnKey, string, string, number | null])[];
}

export interface ReplicaParts {
  membership: Membership;
  store: MessageStore;
  tokens: TokenBook;
  liveness: Liveness;
  lastId: number;
  messagesTotal: number;
}

/**
 * A snapshot taken at one moment, whose stored messages are read later:
 * everything but the messages is copied now, and each topic's messages are
 * a frozen view of its frame queue (see frame-queue.ts). Turning it into
 * JSON can then be spread over several event-loop turns (snapshotJson).
 */
export interface CapturedSnapshot {
  readonly state: Omit<ReplicaSnapshot, 'topics'> & { topics: Omit<ReplicaSnapshot['topics'][number], 'messages'>[] };
  readonly messages: readonly FrozenFrames[];
}

export function captureSnapshot(parts: ReplicaParts): CapturedSnapshot {
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
        members: t.members.map((m) => [m.conn, m.username, m.requested, m.ghostUntil ?? null] as const),
      })),
      tokens: tokens.records().map((r) => [r.token, r.conn, r.topic, r.username, r.endedAt ?? null] as const),
    },
    messages: topics.map((t) => t.history.messages.freeze()),
  };
}

export function takeSnapshot(parts: ReplicaParts): ReplicaSnapshot {
  const { state, messages } = captureSnapshot(parts);
  return { ...state, topics: state.topics.map((t, i) => ({ ...t, messages: messages[i]!.entries() })) };
}

/**
 * The JSON text of a captured snapshot (JSON.parse gives a ReplicaSnapshot),
 * in pieces: one per topic's messages, so that a caller can yield to the
 * event loop between pieces instead of stopping the process for the whole
 * history at once.
 */
export function* snapshotJson(captured: CapturedSnapshot): Generator<string> {
  const { topics, ...rest } = captured.state;
  yield JSON.stringify(rest).slice(0, -1) + ',"topics":[';
  for (let i = 0; i < topics.length; i++) {
    const head = JSON.stringify(topics[i]).slice(0, -1);
    yield (i > 0 ? ',' : '') + head + ',"messages":' + JSON.stringify(captured.messages[i]!.entries()) + '}';
  }
  yield ']}';
}

/** Fills empty parts from a snapshot; returns the counters. */
export function restoreSnapshot(snapshot: ReplicaSnapshot, parts: Omit<ReplicaParts, 'lastId' | 'messagesTotal'>): { lastId: number; messagesTotal: number } {
  const { membership, store, tokens, liveness } = parts;
  liveness.now = snapshot.now;
  liveness.liveNow = snapshot.liveNow;
  for (const [process, seenAt] of snapshot.lastSeen) liveness.lastSeen.set(process, seenAt);
  const ghosts = [];
  const messages: { history: TopicHistory; id: number; expiresAt: number; json: string }[] = [];
  for (const t of snapshot.topics) {
    const topic = membership.topic(t.name, t.createdAfterId);
    topic.history.goneUpToId = t.goneUpToId;
    for (const [conn, username, requested, ghostUntil] of t.members) {
      const member = membership.add(conn, topic, username, requested);
      if (ghostUntil !== null) ghosts.push({ member, ghostUntil });
    }
    for (const [id, expiresAt, json] of t.messages) messages.push({ history: topic.history, id, expiresAt, json });
  }
  // In id order across topics, as they were stored: the expiry queue then matches the original's.
  messages.sort((a, b) => a.id - b.id);
  for (const m of messages) store.restore(m.history, m.id, m.json, m.expiresAt);
  ghosts.sort((a, b) => a.ghostUntil - b.ghostUntil);
  for (const { member, ghostUntil } of ghosts) membership.startGrace(member, ghostUntil);
  for (const [token, conn, topic, username, endedAt] of snapshot.tokens) tokens.load({ token, conn, topic, username, endedAt: endedAt ?? undefined });
  return { lastId: snapshot.lastId, messagesTotal: snapshot.messagesTotal };
}
