#!/usr/bin/env node
// The chat contract (join with dedup, message + ack, /list, 30 s history) on
// the `ws` package, written the way ws's own examples are: a Map of topics to
// Sets of sockets, JSON.stringify once per message, ws.send per recipient.
// It is the benchmark baseline, so it covers the hot paths only (no /dm, /who,
// rate limits, timeouts, heartbeats). Flags: --port, --host, and
// --per-message-deflate (ws's perMessageDeflate: true with its own defaults;
// without it, ws's server default: no compression); others ignored.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '8000' }, host: { type: 'string', default: '127.0.0.1' }, 'message-ttl': { type: 'string', default: '30' }, 'per-message-deflate': { type: 'boolean', default: false } },
  strict: false,
});
const TTL_MS = Number(values['message-ttl']) * 1000;
const MAX_STORED_PER_TOPIC = 1000; // the same memory bound as ours
const MAX_LENGTH = 2000;

const topics = new Map(); // name -> { members: Set<ws>, history: [{ expires, msg }] }
let nextId = 1;
let storedCount = 0;
const seconds = () => Math.floor(Date.now() / 1000);
const send = (ws, obj) => ws.send(JSON.stringify(obj));
const error = (ws, code, message) => send(ws, { type: 'error', code, message });

function broadcast(topic, obj, except) {
  const data = JSON.stringify(obj);
  for (const client of topic.members) if (client !== except && client.readyState === 1) client.send(data);
  return data;
}

function clean(name, kind) {
  if (typeof name !== 'string') return undefined;
  const n = name.normalize('NFC').trim();
  const len = [...n].length;
  if (len < 1 || len > (kind === 'topic' ? 64 : 32) || /[\p{Cc}\p{Cf}]/u.test(n)) return undefined;
  return n;
}

function join(ws, username, topicName) {
  let topic = topics.get(topicName);
  if (!topic) topics.set(topicName, (topic = { members: new Set(), history: [] }));
  const taken = new Set([...topic.members].map((m) => m.user.name.toLowerCase()));
  let name = username;
  for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${username}#${k}`;
  ws.user = { name, topic: topicName };
  topic.members.add(ws);
  const now = Date.now();
  send(ws, {
    type: 'welcome', username: name, topic: topicName, messageTtl: TTL_MS / 1000,
    users: [...topic.members].map((m) => m.user.name),
    history: topic.history.filter((h) => h.expires > now).map((h) => h.msg),
  });
  broadcast(topic, { type: 'joined', username: name, topic: topicName, timestamp: seconds() }, ws);
}

function leave(ws) {
  const user = ws.user;
  if (!user) return;
  ws.user = undefined;
  const topic = topics.get(user.topic);
  topic.members.delete(ws);
  if (topic.members.size === 0) {
    storedCount -= topic.history.length;
    topics.delete(user.topic);
  } else {
    broadcast(topic, { type: 'left', username: user.name, topic: user.topic, timestamp: seconds() });
  }
}

function command(ws, text) {
  const name = text.slice(1).split(/\s/, 1)[0];
  if (name === 'list') {
    const list = [...topics].map(([topic, t]) => ({ topic, users: t.members.size }));
    const lines = list.map((t) => `- ${t.topic} (${t.users} ${t.users === 1 ? 'user' : 'users'})`);
    send(ws, { type: 'topics', topics: list, text: 'Active Topics:\n' + (lines.length ? lines.join('\n') : '(none)') });
  } else if (name === 'quit') {
    ws.close(1000, 'quit');
  } else if (name === 'leave' && ws.user) {
    const { name: username, topic } = ws.user;
    leave(ws);
    send(ws, { type: 'left', username, topic, timestamp: seconds() });
  } else {
    error(ws, 'unknown_command', `unknown command /${name}`);
  }
}

function onMessage(ws, data, isBinary) {
  if (isBinary) return error(ws, 'unsupported_data', 'binary frames are not supported');
  const text = data.toString();
  if (text.startsWith('/')) return command(ws, text);
  let frame;
  try {
    frame = JSON.parse(text);
  } catch {
    return error(ws, 'invalid_json', 'frame is neither JSON nor a /command');
  }
  if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) return error(ws, 'invalid_message', 'not an object');
  if (typeof frame.message === 'string' && frame.message.startsWith('/')) return command(ws, frame.message);
  if (!ws.user) {
    if ('message' in frame) return error(ws, 'not_joined', 'join a topic first');
    const username = clean(frame.username, 'user');
    const topic = clean(frame.topic, 'topic');
    if (!username || !topic) return error(ws, 'invalid_join', 'bad username or topic');
    return join(ws, username, topic);
  }
  if (typeof frame.message !== 'string') return error(ws, 'invalid_message', 'message must be a string');
  if (frame.message.trim() === '') return error(ws, 'empty_message', 'empty message');
  if ([...frame.message].length > MAX_LENGTH) return error(ws, 'message_too_long', 'message too long');
  const topic = topics.get(ws.user.topic);
  const id = nextId++;
  const timestamp = seconds();
  const msg = { type: 'message', id, topic: ws.user.topic, username: ws.user.name, message: frame.message, timestamp };
  broadcast(topic, msg, ws);
  topic.history.push({ expires: Date.now() + TTL_MS, msg });
  storedCount++;
  if (topic.history.length > MAX_STORED_PER_TOPIC) {
    topic.history.shift();
    storedCount--;
  }
  const ack = { type: 'ack', id };
  if (frame.ref !== undefined) ack.ref = frame.ref;
  ack.timestamp = timestamp;
  ack.recipients = topic.members.size - 1;
  send(ws, ack);
}

// Expiry: drop messages older than the TTL once a second.
setInterval(() => {
  const now = Date.now();
  for (const topic of topics.values()) {
    const keep = topic.history.findIndex((h) => h.expires > now);
    const drop = keep === -1 ? topic.history.length : keep;
    if (drop > 0) {
      topic.history.splice(0, drop);
      storedCount -= drop;
    }
  }
}, 1000).unref();

const http = createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', connections: wss.clients.size, topics: topics.size, storedMessages: storedCount }));
  } else {
    res.writeHead(404).end();
  }
});
const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: 65536, perMessageDeflate: values['per-message-deflate'] === true });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => onMessage(ws, data, isBinary));
  ws.on('close', () => leave(ws));
  ws.on('error', () => {});
});
http.listen(Number(values.port), values.host, () => console.error(`baseline listening on ${values.host}:${http.address().port}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
