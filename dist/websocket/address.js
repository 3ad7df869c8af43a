/**
 * Which addresses count as one client for a per-address connection cap.
 * One IPv6 subscriber usually holds a whole /64 (RFC 6177 recommends at
 * least that per site), so counting single IPv6 addresses would let one
 * client take 2^64 of them; an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`,
 * RFC 4291 §2.5.5.2) is the IPv4 address it carries.
 */
import { isIPv4, isIPv6 } from 'node:net';
/** The eight 16-bit groups of an IPv6 address, or undefined if it is not one. */
function ipv6Groups(address) {
    let text = address;
    const zone = text.indexOf('%');
    if (zone !== -1)
        text = text.slice(0, zone);
    if (!isIPv6(text))
        return undefined;
    // A trailing dotted IPv4 part stands for the last two groups.
    const lastColon = text.lastIndexOf(':');
    const tail = text.slice(lastColon + 1);
    if (isIPv4(tail)) {
        const [a, b, c, d] = tail.split('.').map(Number);
        text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
    }
    const [head, rest] = text.split('::');
    const left = head === '' ? [] : head.split(':');
    const right = rest === undefined || rest === '' ? [] : rest.split(':');
    const zeros = rest === undefined ? 0 : 8 - left.length - right.length;
    return [...left, ...Array(zeros).fill('0'), ...right].map((g) => parseInt(g, 16));
}
/** The key under which `address` is counted: IPv4 as is, IPv6 by its /64. */
export function addressGroup(address) {
    const groups = ipv6Groups(address);
    if (groups === undefined || groups.length !== 8)
        return address;
    const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
    if (mapped)
        return `${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`;
    return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}
