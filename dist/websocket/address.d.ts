/** The key under which `address` is counted: IPv4 as is, IPv6 by its /64. */
export declare function addressGroup(address: string): string;
