/**
 * Close status codes (RFC 6455 §7.4) and the rule for which codes may
 * appear on the wire in a Close frame.
 */
export const CloseCode = {
    NORMAL: 1000,
    GOING_AWAY: 1001,
    PROTOCOL_ERROR: 1002,
    UNSUPPORTED_DATA: 1003,
    /** Never sent on the wire: "no status code was present" (RFC 6455 §7.4.1). */
    NO_STATUS: 1005,
    /** Never sent on the wire: the connection dropped without a Close frame. */
    ABNORMAL: 1006,
    INVALID_PAYLOAD: 1007,
    POLICY_VIOLATION: 1008,
    MESSAGE_TOO_BIG: 1009,
    MANDATORY_EXTENSION: 1010,
    INTERNAL_ERROR: 1011,
    SERVICE_RESTART: 1012,
    TRY_AGAIN_LATER: 1013,
    BAD_GATEWAY: 1014,
};
/**
 * May `code` be carried in a Close frame? RFC 6455 §7.4.1 defines 1000-1003
 * and 1007-1011; 1012-1014 were registered later in the IANA registry
 * (§11.7); 3000-3999 are for libraries and frameworks, 4000-4999 private.
 * 1004 is reserved, 1005/1006/1015 must never be sent, everything else below
 * 3000 is unassigned, and 5000 and up are out of range (§7.4.2).
 */
export function isValidCloseCode(code) {
    if (code >= 3000 && code <= 4999)
        return true;
    if (code >= 1000 && code <= 1003)
        return true;
    return code >= 1007 && code <= 1014;
}
