// @ts-check
/**
 * The wire types, taken from the server's own description of the protocol
 * (lib/chat/wire.ts) so that the page cannot drift from it. JSDoc imports are
 * types only: nothing is fetched at run time, and this file exports no code.
 *
 * @typedef {import('../../lib/chat/wire.ts').ServerFrame} ServerFrame
 * @typedef {import('../../lib/chat/wire.ts').WelcomeFrame} WelcomeFrame
 * @typedef {import('../../lib/chat/wire.ts').MessageFrame} MessageFrame
 * @typedef {import('../../lib/chat/wire.ts').AckFrame} AckFrame
 * @typedef {import('../../lib/chat/wire.ts').DmFrame} DmFrame
 * @typedef {import('../../lib/chat/wire.ts').JoinedFrame} JoinedFrame
 * @typedef {import('../../lib/chat/wire.ts').LeftFrame} LeftFrame
 * @typedef {import('../../lib/chat/wire.ts').TypingFrame} TypingFrame
 * @typedef {import('../../lib/chat/wire.ts').TopicsFrame} TopicsFrame
 * @typedef {import('../../lib/chat/wire.ts').TopicSummary} TopicSummary
 * @typedef {import('../../lib/chat/wire.ts').UsersFrame} UsersFrame
 * @typedef {import('../../lib/chat/wire.ts').ErrorFrame} ErrorFrame
 * @typedef {import('../../lib/chat/wire.ts').ErrorCode} ErrorCode
 * @typedef {import('../../lib/chat/wire.ts').JoinPayload} JoinPayload
 */

export {};
