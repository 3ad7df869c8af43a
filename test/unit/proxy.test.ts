/** The client address behind trusted proxies, and the /64 grouping of IPv6. */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { addressGroup, clientAddressFrom, trustedProxies } from '../../lib/server/proxy.ts';

function request(peer: string, headers: Record<string, string> = {}): IncomingMessage {
  return { headers, socket: { remoteAddress: peer } } as unknown as IncomingMessage;
}

describe('trustedProxies', () => {
  it('addresses, CIDR blocks, loopback; IPv4-mapped peers match IPv4 rules', () => {
    const t = trustedProxies(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7', 'loopback']);
    for (const yes of ['10.1.2.3', '::ffff:10.1.2.3', '2001:db8::5', '192.0.2.7', '127.0.0.1', '::1', '::ffff:127.0.0.1']) assert.ok(t.has(yes), yes);
    for (const no of ['11.0.0.1', '2001:db9::1', '192.0.2.8', 'garbage', '']) assert.ok(!t.has(no), no);
  });
  it('refuses entries that are not addresses', () => {
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.1/8/2', '::1/129', '10.0.0.0/x']) assert.throws(() => trustedProxies([bad]), bad);
  });
});

describe('clientAddressFrom', () => {
  const trusted = trustedProxies(['127.0.0.1', '10.0.0.0/8']);
  it('an untrusted peer is the client, whatever it claims', () => {
    assert.equal(clientAddressFrom(request('203.0.113.5', { 'x-forwarded-for': '1.1.1.1' }), trusted), '203.0.113.5');
    assert.equal(clientAddressFrom(request('::ffff:203.0.113.5'), trustedProxies([])), '203.0.113.5');
  });
  it('the right-most untrusted X-Forwarded-For entry', () => {
    const spoofed = request('127.0.0.1', { 'x-forwarded-for': '6.6.6.6, 198.51.100.4, 10.0.0.2' });
    assert.equal(clientAddressFrom(spoofed, trusted), '198.51.100.4');
    assert.equal(clientAddressFrom(request('127.0.0.1', { 'x-forwarded-for': '198.51.100.4:5555' }), trusted), '198.51.100.4');
    assert.equal(clientAddressFrom(request('127.0.0.1', { 'x-forwarded-for': '10.0.0.3' }), trusted), '10.0.0.3');
    assert.equal(clientAddressFrom(request('127.0.0.1'), trusted), '127.0.0.1');
  });
  it('garbage stops the walk at the last trusted hop', () => {
    assert.equal(clientAddressFrom(request('127.0.0.1', { 'x-forwarded-for': '198.51.100.4, nonsense' }), trusted), '127.0.0.1');
  });
  it('RFC 7239 Forwarded when there is no X-Forwarded-For', () => {
    const req = request('127.0.0.1', { forwarded: 'for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https, for=10.0.0.9' });
    assert.equal(clientAddressFrom(req, trusted), '2001:db8:cafe::17');
    assert.equal(clientAddressFrom(request('127.0.0.1', { forwarded: 'for=unknown' }), trusted), '127.0.0.1');
  });
});

describe('addressGroup', () => {
  it('IPv4 as is, IPv6 by /64, mapped IPv4 as IPv4', () => {
    assert.equal(addressGroup('192.0.2.1'), '192.0.2.1');
    assert.equal(addressGroup('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(addressGroup('2001:db8:1:2:3:4:5:6'), addressGroup('2001:db8:1:2::99'));
    assert.notEqual(addressGroup('2001:db8:1:2::1'), addressGroup('2001:db8:1:3::1'));
    assert.equal(addressGroup('::1'), '0:0:0:0::/64');
  });
});
