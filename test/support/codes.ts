// Code helpers with no Worker import, so workerd tests and the Node-side browser tests share them.

/** A six-digit code that is not `code`: half the code space away, so it is never a neighbouring step's code either. */
export function wrongCode(code: string): string {
  return String((Number(code) + 500_000) % 1_000_000).padStart(6, "0");
}
