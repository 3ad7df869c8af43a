// isValidCloseCode over the whole 16-bit range (RFC 6455 §7.4.1, §7.4.2 and
// the IANA "WebSocket Close Code Number Registry" of §11.7).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CloseCode, isValidCloseCode } from '../../lib/websocket/close-codes.ts';

const T = { timeout: 10_000 };

/** Independent statement of the table: which codes may appear in a Close frame. */
function expected(code: number): boolean {
  if (code >= 1000 && code <= 1003) return true; // §7.4.1
  if (code >= 1007 && code <= 1011) return true; // §7.4.1
  if (code >= 1012 && code <= 1014) return true; // IANA registry (§11.7)
  if (code >= 3000 && code <= 4999) return true; // §7.4.2: libraries, then private use
  return false; // 0-999 unused, 1004 reserved, 1005/1006/1015 never on the wire, 1016-2999 unassigned, >= 5000
}

test('isValidCloseCode agrees with the table for every code 0..65535', T, () => {
  const wrong: number[] = [];
  for (let code = 0; code <= 0xffff; code++) {
    if (isValidCloseCode(code) !== expected(code)) wrong.push(code);
  }
  assert.deepEqual(wrong, []);
});

test('isValidCloseCode: the boundary cases named explicitly', T, () => {
  for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]) {
    assert.equal(isValidCloseCode(code), true, `${code} is valid`);
  }
  for (const code of [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535]) {
    assert.equal(isValidCloseCode(code), false, `${code} is invalid`);
  }
});

test('CloseCode constants have their RFC 6455 §7.4.1 values', T, () => {
  assert.equal(CloseCode.NORMAL, 1000);
  assert.equal(CloseCode.GOING_AWAY, 1001);
  assert.equal(CloseCode.PROTOCOL_ERROR, 1002);
  assert.equal(CloseCode.UNSUPPORTED_DATA, 1003);
  assert.equal(CloseCode.NO_STATUS, 1005);
  assert.equal(CloseCode.ABNORMAL, 1006);
  assert.equal(CloseCode.INVALID_PAYLOAD, 1007);
  assert.equal(CloseCode.POLICY_VIOLATION, 1008);
  assert.equal(CloseCode.MESSAGE_TOO_BIG, 1009);
  assert.equal(CloseCode.MANDATORY_EXTENSION, 1010);
  assert.equal(CloseCode.INTERNAL_ERROR, 1011);
  assert.equal(CloseCode.SERVICE_RESTART, 1012);
  assert.equal(CloseCode.TRY_AGAIN_LATER, 1013);
  assert.equal(CloseCode.BAD_GATEWAY, 1014);
  assert.equal(isValidCloseCode(CloseCode.NO_STATUS), false);
  assert.equal(isValidCloseCode(CloseCode.ABNORMAL), false);
});

test('non-integer and out-of-range numbers are not valid codes', T, () => {
  assert.equal(isValidCloseCode(-1), false);
  assert.equal(isValidCloseCode(65536), false);
  assert.equal(isValidCloseCode(Number.NaN), false);
});
