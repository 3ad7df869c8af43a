// Which addresses share a per-address connection count: IPv6 by /64,
// IPv4-mapped IPv6 as the IPv4 address (lib/websocket/address.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressGroup } from '../../lib/websocket/address.ts';

const rows: Array<[string, string]> = [
  ['1.2.3.4', '1.2.3.4'],
  ['::ffff:1.2.3.4', '1.2.3.4'],
  ['::FFFF:102:304', '1.2.3.4'],
  ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
  ['2001:db8:1:2::9', '2001:db8:1:2::/64'],
  ['2001:0db8:0001:0002:ffff::', '2001:db8:1:2::/64'],
  ['2001:db8:1:3::1', '2001:db8:1:3::/64'],
  ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ['64:ff9b::1.2.3.4', '64:ff9b:0:0::/64'],
  ['::1', '0:0:0:0::/64'],
  ['', ''],
  ['not an address', 'not an address'],
];
for (const [address, group] of rows) {
  test(`${JSON.stringify(address)} counts as ${JSON.stringify(group)}`, () => assert.equal(addressGroup(address), group));
}
