/**
 * Close status codes (RFC 6455 §7.4) and the rule for which codes may
 * appear on the wire in a Close frame.
 */
export declare const CloseCode: {
    readonly NORMAL: 1000;
    readonly GOING_AWAY: 1001;
    readonly PROTOCOL_ERROR: 1002;
    readonly UNSUPPORTED_DATA: 1003;
    /** Never sent on the wire: "no status code was present" (RFC 6455 §7.4.1). */
    readonly NO_STATUS: 1005;
    /** Never sent on the wire: the connection dropped without a Close frame. */
    readonly ABNORMAL: 1006;
    readonly INVALID_PAYLOAD: 1007;
    readonly POLICY_VIOLATION: 1008;
    readonly MESSAGE_TOO_BIG: 1009;
    readonly MANDATORY_EXTENSION: 1010;
    readonly INTERNAL_ERROR: 1011;
    readonly SERVICE_RESTART: 1012;
    readonly TRY_AGAIN_LATER: 1013;
    readonly BAD_GATEWAY: 1014;
};
/**
 * May `code` be carried in a Close frame? RFC 6455 §7.4.1 defines 1000-1003
 * and 1007-1011; 1012-1014 were registered later in the IANA registry
 * (§11.7); 3000-3999 are for libraries and frameworks, 4000-4999 private.
 * 1004 is reserved, 1005/1006/1015 must never be sent, everything else below
 * 3000 is unassigned, and 5000 and up are out of range (§7.4.2).
 */
export declare function isValidCloseCode(code: number): boolean;
