// A controllable clock: Date is faked in the test and, since they share the isolate, in the Worker and its
// Durable Objects. Tests move it instead of sleeping.
import { afterEach, beforeEach, vi } from "vitest";

export function useTestClock(start = "2031-03-14T15:09:00Z"): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(start));
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}

export function advance(ms: number): void {
  vi.setSystemTime(new Date(Date.now() + ms));
}

/** Moves to the start of the next TOTP step, so a fresh code exists. */
export function nextStep(period = 30): void {
  const now = Date.now();
  vi.setSystemTime(new Date((Math.floor(now / (period * 1000)) + 1) * period * 1000 + 1000));
}
