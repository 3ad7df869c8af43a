/**
 * Builders of server frames as JSON text. Field order follows the wire
 * contract. Hot frames (message, ack, joined, left, typing) are assembled
 * from pre-serialised pieces so a fan-out costs one string per message.
 */

import type { ErrorCode, Ref, TopicSummary } from './wire.ts';

export type { ErrorCode, Ref, TopicSummary } from './wire.ts';

const json = JSON.stringify;

/** What a welcome says about resuming (see wire.ts WelcomeFrame). */
export interface WelcomeResume {
  resumeToken?: string;
  resumed?: boolean;
  recovered?: boolean;
}

/**
 * `history` holds already-serialised message frames (the stored strings),
 * so the welcome is built by concatenation rather than re-serialisation.
 */
export function welcomeFrame(
  username: string,
  topic: string,
  messageTtlSeconds: number,
  users: readonly string[],
  history: readonly string[],
  resume: WelcomeResume = {},
): string {
  return (
    '{"type":"welcome","username":' + json(username) +
    ',"topic":' + json(topic) +
    ',"messageTtl":' + json(messageTtlSeconds) +
    ',"users":' + json(users) +
    ',"history":[' + history.join(',') + ']' +
    (resume.resumeToken === undefined ? '' : ',"resumeToken":' + json(resume.resumeToken)) +
    (resume.resumed === undefined ? '' : ',"resumed":' + resume.resumed) +
    (resume.recovered === undefined ? '' : ',"recovered":' + resume.recovered) + '}'
  );
}

export function joinedFrame(username: string, topic: string, timestamp: number): string {
  return '{"type":"joined","username":' + json(username) + ',"topic":' + json(topic) + ',"timestamp":' + timestamp + '}';
}

export function leftFrame(username: string, topic: string, timestamp: number): string {
  return '{"type":"left","username":' + json(username) + ',"topic":' + json(topic) + ',"timestamp":' + timestamp + '}';
}

/** `topicJson` and `usernameJson` are the names already passed through JSON.stringify. */
export function messageFrameFromJson(
  id: number,
  topicJson: string,
  usernameJson: string,
  message: string,
  timestamp: number,
): string {
  return (
    '{"type":"message","id":' + id +
    ',"topic":' + topicJson +
    ',"username":' + usernameJson +
    ',"message":' + json(message) +
    ',"timestamp":' + timestamp + '}'
  );
}

export function messageFrame(id: number, topic: string, username: string, message: string, timestamp: number): string {
  return messageFrameFromJson(id, json(topic), json(username), message, timestamp);
}

/** `ref` is omitted when undefined; `to` is present only for DM acks. */
export function ackFrame(id: number, ref: Ref | undefined, timestamp: number, recipients: number, to?: string): string {
  return (
    '{"type":"ack","id":' + id +
    (ref === undefined ? '' : ',"ref":' + json(ref)) +
    ',"timestamp":' + timestamp +
    ',"recipients":' + recipients +
    (to === undefined ? '' : ',"to":' + json(to)) + '}'
  );
}

export function dmFrame(id: number, from: string, to: string, message: string, timestamp: number): string {
  return (
    '{"type":"dm","id":' + id +
    ',"from":' + json(from) +
    ',"to":' + json(to) +
    ',"message":' + json(message) +
    ',"timestamp":' + timestamp + '}'
  );
}

/**
 * The `/list` reply: structured list plus the human text of the contract.
 * `total` is how many topics there are when `topics` shows only part of them.
 */
export function topicsFrame(topics: readonly TopicSummary[], total: number = topics.length): string {
  const lines = topics.map((t) => `- ${t.topic} (${t.users} ${t.users === 1 ? 'user' : 'users'})`);
  if (total > topics.length) lines.push(`\u2026 and ${total - topics.length} more`);
  const text = 'Active Topics:\n' + (lines.length === 0 ? '(none)' : lines.join('\n'));
  const list = topics.map((t) => ({ topic: t.topic, users: t.users }));
  return json(total > topics.length ? { type: 'topics', topics: list, text, total, truncated: true } : { type: 'topics', topics: list, text });
}

export function usersFrame(topic: string, users: readonly string[]): string {
  return '{"type":"users","topic":' + json(topic) + ',"users":' + json(users) + '}';
}

export function typingFrame(username: string, topic: string): string {
  return '{"type":"typing","username":' + json(username) + ',"topic":' + json(topic) + '}';
}

export const HELP_TEXT = [
  'Join a topic by sending {"username": "<name>", "topic": "<topic>"}, then send {"message": "<text>"} to chat.',
  'Commands:',
  '/list - list the active topics and how many users each has',
  '/who - list the users in your topic',
  '/join <topic> - leave your topic and join another one',
  '/dm <username> <text> - send a private message to a user in your topic',
  '/leave - leave your topic and go back to the lobby',
  '/help - show this help',
  '/quit - close the connection',
].join('\n');

export function helpFrame(text: string = HELP_TEXT): string {
  return json({ type: 'help', text });
}

export function errorFrame(code: ErrorCode, message: string): string {
  return '{"type":"error","code":' + json(code) + ',"message":' + json(message) + '}';
}
