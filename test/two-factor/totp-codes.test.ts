import { describe, expect, it } from "vitest";
import { Secret } from "otpauth";
import { codeAt, matchStep, timeStep } from "../../src/totp";

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

describe("RFC 6238 TOTP", () => {
  it.each(VECTORS)("matches the Appendix B SHA-1 vector at T=%i", (t, expected) => {
    expect(codeAt(SEED, timeStep(t * 1000, 30))).toBe(expected.slice(-6));
  });

  it("accepts a code from one step before or after, and refuses two steps off", () => {
    const now = 1_700_000_000_000;
    const step = timeStep(now, 30);
    expect(matchStep(SEED, codeAt(SEED, step - 1), now, 30, -1)).toBe(step - 1);
    expect(matchStep(SEED, codeAt(SEED, step + 1), now, 30, -1)).toBe(step + 1);
    expect(matchStep(SEED, codeAt(SEED, step - 2), now, 30, -1)).toBeNull();
    expect(matchStep(SEED, codeAt(SEED, step + 2), now, 30, -1)).toBeNull();
  });

  it("refuses a code of a step at or before the last accepted one (replay)", () => {
    const now = 1_700_000_000_000;
    const step = timeStep(now, 30);
    expect(matchStep(SEED, codeAt(SEED, step), now, 30, step)).toBeNull();
    expect(matchStep(SEED, codeAt(SEED, step - 1), now, 30, step - 1)).toBeNull();
    expect(matchStep(SEED, codeAt(SEED, step + 1), now, 30, step)).toBe(step + 1);
  });

  it("burns every step of the window where the digits repeat, so they cannot pass twice", () => {
    // Found by search: with the RFC seed, steps 59061240 and 59061241 both give 963181 (about one pair in a million).
    const step = 59_061_240;
    const now = step * 30_000;
    expect([codeAt(SEED, step), codeAt(SEED, step + 1)]).toEqual(["963181", "963181"]);
    const accepted = matchStep(SEED, "963181", now, 30, -1);
    expect(accepted).toBe(step + 1);
    expect(matchStep(SEED, "963181", now, 30, accepted as number)).toBeNull();
    // A step later the first of the two is the window's previous step: the later one is still the one burned.
    expect(matchStep(SEED, "963181", now + 30_000, 30, -1)).toBe(step + 1);
  });

  it("uses 60-second steps when the enrollment's period is 60", () => {
    const now = 1_700_000_000_000;
    const step60 = timeStep(now, 60);
    expect(matchStep(SEED, codeAt(SEED, step60), now, 60, -1)).toBe(step60);
    expect(matchStep(SEED, codeAt(SEED, step60 + 2), now, 60, -1)).toBeNull();
  });

  it("refuses anything that is not six digits", () => {
    const now = 1_700_000_000_000;
    for (const code of ["", "12345", "1234567", "abcdef", " 12345"]) expect(matchStep(SEED, code, now, 30, -1)).toBeNull();
  });
});
