export const ERROR_CODES = [
    'invalid_json',
    'invalid_join',
    'invalid_message',
    'not_joined',
    'empty_message',
    'message_too_long',
    'unknown_command',
    'user_not_found',
    'rate_limited',
    'unsupported_data',
    'unavailable',
];
export const ChatCloseCode = {
    NORMAL: 1000,
    GOING_AWAY: 1001,
    POLICY: 1008,
    SERVICE_RESTART: 1012,
    TRY_AGAIN_LATER: 1013,
    REPLACED: 4000,
};
