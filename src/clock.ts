// The one source of "now", in milliseconds; tests move it with vi.setSystemTime instead of sleeping.
export function nowMs(): number {
  return Date.now();
}

export function nowSeconds(): number {
  return Math.floor(nowMs() / 1000);
}
