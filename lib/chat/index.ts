/** The pure chat core: state machine, validation and frame builders. */
export { ChatCore, DEFAULT_CHAT_OPTIONS } from './core.ts';
export type { ChatOptions, ChatStats, ConnId, Effect } from './core.ts';
export { Queue } from './queue.ts';
export {
  MAX_REF_LENGTH,
  MAX_TOPIC_LENGTH,
  MAX_USERNAME_LENGTH,
  checkMessageText,
  codePointLength,
  isValidRef,
  nameKey,
  normalizeTopic,
  normalizeUsername,
  parseClientFrame,
  parseCommand,
} from './validate.ts';
export type { ClientFrame, MessageCheck, NameCheck } from './validate.ts';
export * as frames from './frames.ts';
export type { ErrorCode, Ref } from './frames.ts';
