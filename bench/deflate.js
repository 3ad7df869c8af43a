#!/usr/bin/env node
// permessage-deflate figures (run after `npm run build`):
// 1. bytes on the wire for a welcome-like JSON with 1000 messages of
//    history, plain and compressed as our server sends it (no context
//    takeover, level 6, window 15);
// 2. the framing cost of a 2 KiB broadcast to N recipients: plain frames
//    versus compressed once per broadcast (prepareMessage), as CPU time per
//    broadcast in this process (no sockets: it isolates what compression adds).
//   node bench/deflate.js [--recipients 1000] [--broadcasts 2000]
import { parseArgs } from 'node:util';
import { acceptDeflateOffer, prepareMessage, encodeMessage } from '../dist/websocket/index.js';

const { values } = parseArgs({
  options: { recipients: { type: 'string', default: '1000' }, broadcasts: { type: 'string', default: '2000' } },
});
const recipients = Number(values.recipients);
const broadcasts = Number(values.broadcasts);
const deflate = acceptDeflateOffer('permessage-deflate', { threshold: 1024 });

function welcome(count) {
  const words = ['hello', 'anyone', 'around', 'the', 'deploy', 'went', 'fine', 'lunch?', 'ok', 'thanks', 'see', 'you'];
  const history = [];
  let seed = 7;
  const rand = (n) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
  for (let i = 0; i < count; i++) {
    const text = Array.from({ length: 3 + rand(12) }, () => words[rand(words.length)]).join(' ');
    history.push({ type: 'message', room: 'general', id: `m${100000 + i}`, from: `user${rand(50)}`, text, ts: 1700000000000 + i * 1371 });
  }
  return JSON.stringify({ type: 'welcome', room: 'general', you: 'user1', members: 42, history });
}

const text = welcome(1000);
const prepared = prepareMessage(text, { deflate: true });
const plain = prepared.plain.length;
const compressed = prepared.frameFor(deflate).length;
console.log(`welcome with 1000 messages: ${plain} bytes plain, ${compressed} bytes compressed (${(compressed / plain * 100).toFixed(1)}%, ${(plain / compressed).toFixed(1)}x smaller)`);

function chatMessage(i) {
  const base = JSON.stringify({ type: 'message', room: 'general', id: `m${i}`, from: 'user7', ts: 1700000000000 + i, text: '' });
  const filler = 'The quick brown fox jumps over the lazy dog, again and again. '.repeat(40);
  return base.replace('"text":""', `"text":"${i} ${filler.slice(0, 2048 - base.length - 8)}"`);
}

function run(compress) {
  const start = process.cpuUsage();
  let bytes = 0;
  for (let b = 0; b < broadcasts; b++) {
    const message = prepareMessage(chatMessage(b));
    for (let r = 0; r < recipients; r++) bytes += message.frameFor(compress ? deflate : undefined).length;
  }
  const used = process.cpuUsage(start);
  return { cpuMs: (used.user + used.system) / 1000, bytes };
}
run(false);
run(true); // warm-up
const plainRun = run(false);
const deflateRun = run(true);
const extraUs = ((deflateRun.cpuMs - plainRun.cpuMs) * 1000) / broadcasts;
console.log(`2 KiB broadcast to ${recipients} recipients x ${broadcasts}: framing CPU plain ${plainRun.cpuMs.toFixed(0)} ms, compressed once per broadcast ${deflateRun.cpuMs.toFixed(0)} ms`);
console.log(`  compression adds ${extraUs.toFixed(1)} us per broadcast, ${((extraUs * 1000) / recipients).toFixed(1)} ns per delivery (socket writes, not measured here, cost microseconds each)`);
console.log(`  bytes per delivery: plain ${(plainRun.bytes / broadcasts / recipients).toFixed(0)}, compressed ${(deflateRun.bytes / broadcasts / recipients).toFixed(0)}`);
