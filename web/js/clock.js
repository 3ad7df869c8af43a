// @ts-check
/**
 * The server's clock as seen from here. Expiry is `timestamp + messageTtl`
 * on the server's clock, so countdowns follow it rather than ours.
 */

/** Server clock minus ours, in ms. */
let offset = 0;

export function serverNow() {
  return Date.now() + offset;
}

/** Learns the server's clock from a frame stamped just now (whole seconds, so ±0.5 s). @param {number} timestamp */
export function observeClock(timestamp) {
  if (!Number.isFinite(timestamp)) return;
  const sample = timestamp * 1000 + 500 - Date.now();
  // A real skew is taken at once; rounding noise is smoothed.
  offset = Math.abs(sample - offset) > 1500 ? sample : offset * 0.8 + sample * 0.2;
}
