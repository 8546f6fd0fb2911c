// Constant-time comparison: the only way Gatehouse compares secrets or their hashes.
import { utf8 } from "./encoding";

/** True when a and b are equal; time depends only on their lengths. */
export function timingSafeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = typeof a === "string" ? utf8(a) : a;
  const y = typeof b === "string" ? utf8(b) : b;
  if (x.byteLength !== y.byteLength) {
    // Still compare something of equal length so the early exit does not tell how far a guess got.
    crypto.subtle.timingSafeEqual(x, x);
    return false;
  }
  return crypto.subtle.timingSafeEqual(x, y);
}
