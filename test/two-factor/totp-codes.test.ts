import { describe, expect, it } from "vitest";
import { Secret } from "otpauth";
import { stepUsed, withStepsUsed } from "../../src/org/totp-state";
import { codeAt, matchSteps, timeStep } from "../../src/totp";

// RFC 6238 Appendix B, SHA-1 rows (8-digit values; a 6-digit code is the last six digits).
const SEED = new Secret({ buffer: new TextEncoder().encode("12345678901234567890").buffer }).base32;
const VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

const none = () => false;

/** The replay check after these steps were accepted, in this order. */
function accepted(steps: number[]) {
  const { last, mask } = withStepsUsed({ last_step: -1, used_mask: 0 }, steps);
  return (step: number) => stepUsed({ last_step: last, used_mask: mask }, step);
}

describe("RFC 6238 TOTP", () => {
  it.each(VECTORS)("matches the Appendix B SHA-1 vector at T=%i", (t, expected) => {
    expect(codeAt(SEED, timeStep(t * 1000, 30))).toBe(expected.slice(-6));
  });

  it("accepts a code from one step before or after, and refuses two steps off", () => {
    const now = 1_700_000_000_000;
    const step = timeStep(now, 30);
    expect(matchSteps(SEED, codeAt(SEED, step - 1), now, 30, none)).toEqual([step - 1]);
    expect(matchSteps(SEED, codeAt(SEED, step + 1), now, 30, none)).toEqual([step + 1]);
    expect(matchSteps(SEED, codeAt(SEED, step - 2), now, 30, none)).toBeNull();
    expect(matchSteps(SEED, codeAt(SEED, step + 2), now, 30, none)).toBeNull();
  });

  it("refuses a code of a step already accepted (replay), and only that step", () => {
    const now = 1_700_000_000_000;
    const step = timeStep(now, 30);
    const used = accepted([step]);
    expect(matchSteps(SEED, codeAt(SEED, step), now, 30, used)).toBeNull();
    expect(matchSteps(SEED, codeAt(SEED, step + 1), now, 30, used)).toEqual([step + 1]);
    // The step before was never accepted: its code still passes in the window, once.
    expect(matchSteps(SEED, codeAt(SEED, step - 1), now, 30, used)).toEqual([step - 1]);
    expect(matchSteps(SEED, codeAt(SEED, step - 1), now, 30, accepted([step, step - 1]))).toBeNull();
  });

  it("remembers each accepted step of the window, in any order of acceptance", () => {
    const s = 1000;
    for (const order of [
      [s - 1, s, s + 1],
      [s + 1, s - 1, s],
      [s, s + 1, s - 1],
      [s + 1, s, s - 1],
    ]) {
      let state = { last_step: -1, used_mask: 0 };
      for (const step of order) {
        expect(stepUsed(state, step)).toBe(false);
        const next = withStepsUsed(state, [step]);
        state = { last_step: next.last, used_mask: next.mask };
        expect(stepUsed(state, step)).toBe(true);
      }
      for (const step of order) expect(stepUsed(state, step)).toBe(true);
      expect(stepUsed(state, s + 2)).toBe(false);
    }
    // A jump forward of more than the window forgets the steps before (they are out of every window then): refused.
    const far = withStepsUsed({ last_step: s, used_mask: 0 }, [s + 10]);
    expect(far).toEqual({ last: s + 10, mask: 0 });
    expect(stepUsed({ last_step: far.last, used_mask: far.mask }, s + 7)).toBe(true);
  });

  it("burns every step of the window where the digits repeat, so they cannot pass twice", () => {
    // Found by search: with the RFC seed, steps 59061240 and 59061241 both give 963181 (about one pair in a million).
    const step = 59_061_240;
    const now = step * 30_000;
    expect([codeAt(SEED, step), codeAt(SEED, step + 1)]).toEqual(["963181", "963181"]);
    const steps = matchSteps(SEED, "963181", now, 30, none);
    expect(steps).toEqual([step, step + 1]);
    const used = accepted(steps as number[]);
    expect(matchSteps(SEED, "963181", now, 30, used)).toBeNull();
    // Two steps later the first of the two has left the window; the other is burned too.
    expect(matchSteps(SEED, "963181", now + 60_000, 30, used)).toBeNull();
    // Burning only the first would have let the same digits pass again at the second.
    expect(matchSteps(SEED, "963181", now + 60_000, 30, accepted([step]))).toEqual([step + 1]);
  });

  it("uses 60-second steps when the enrollment's period is 60", () => {
    const now = 1_700_000_000_000;
    const step60 = timeStep(now, 60);
    expect(matchSteps(SEED, codeAt(SEED, step60), now, 60, none)).toEqual([step60]);
    expect(matchSteps(SEED, codeAt(SEED, step60 + 2), now, 60, none)).toBeNull();
  });

  it("refuses anything that is not six digits", () => {
    const now = 1_700_000_000_000;
    for (const code of ["", "12345", "1234567", "abcdef", " 12345"]) expect(matchSteps(SEED, code, now, 30, none)).toBeNull();
  });
});
