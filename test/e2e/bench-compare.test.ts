// bench --compare: a ratio worse than the previous run's by more than the margin fails the comparison; an
// improvement, a change within the margin or a ratio one run lacks does not. Uses the saved 2026-11-23 run.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compareResults, DEFAULT_MARGIN, formatComparison } from "../../bench/lib/compare.mjs";

type Figure = { rps: number; cpuMsPerOp?: number };
type Result = { figures: Record<string, Figure> };
const saved: Result = JSON.parse(readFileSync(fileURLToPath(new URL("../../bench/results/2026-11-23.json", import.meta.url)), "utf8"));

/** The saved run with one figure's field scaled (R0 feeds only R0/B0; KDF only "R3 CPU/KDF CPU"). */
function scaled(id: string, field: "rps" | "cpuMsPerOp", factor: number): Result {
  const copy: Result = structuredClone(saved);
  const figure = copy.figures[id];
  if (!figure || figure[field] === undefined) throw new Error(`no ${id}.${field} in the saved run`);
  figure[field] = (figure[field] as number) * factor;
  return copy;
}
const statusOf = (c: ReturnType<typeof compareResults>, id: string) => c.rows.find((r) => r.id === id)?.status;

describe("bench compare", () => {
  it("states a 10 % margin by default", () => {
    expect(DEFAULT_MARGIN).toBe(0.1);
  });

  it("passes a run against itself", () => {
    const c = compareResults(saved, saved);
    expect(c.regressions).toEqual([]);
    // Ratios added after that run (the OpenID ones) are "not compared"; every ratio it has compares as ok.
    const compared = c.rows.filter((r) => r.was !== null);
    expect(compared.length).toBeGreaterThan(5);
    expect(compared.every((r) => r.status === "ok")).toBe(true);
    expect(c.rows.filter((r) => r.was === null).every((r) => r.status === "not compared")).toBe(true);
  });

  it("fails a rate ratio that dropped by more than the margin, naming it", () => {
    const c = compareResults(scaled("R0", "rps", 0.8), saved);
    expect(c.regressions.map((r) => r.id)).toEqual(["R0/B0"]);
    expect(c.regressions[0]?.change).toBeCloseTo(-0.2, 5);
    expect(formatComparison(c, "new.json", "old.json").at(-1)).toContain("R0/B0");
  });

  it("fails a CPU ratio that rose by more than the margin (lower is better there)", () => {
    // Less KDF CPU makes "R3 CPU/KDF CPU" go up by 1/0.85 - 1 = 17.6 %.
    const c = compareResults(scaled("KDF", "cpuMsPerOp", 0.85), saved);
    expect(c.regressions.map((r) => r.id)).toEqual(["R3 CPU/KDF CPU"]);
  });

  it("passes improvements, however large", () => {
    expect(compareResults(scaled("R0", "rps", 1.5), saved).regressions).toEqual([]);
    expect(compareResults(scaled("KDF", "cpuMsPerOp", 2), saved).regressions).toEqual([]);
  });

  it("passes a change within the margin, and one of exactly the margin", () => {
    expect(statusOf(compareResults(scaled("R0", "rps", 0.95), saved), "R0/B0")).toBe("ok");
    expect(statusOf(compareResults(scaled("R0", "rps", 0.9), saved), "R0/B0")).toBe("ok");
    expect(statusOf(compareResults(scaled("R0", "rps", 0.89), saved), "R0/B0")).toBe("regressed");
  });

  it("takes another margin", () => {
    expect(compareResults(scaled("R0", "rps", 0.8), saved, 0.25).regressions).toEqual([]);
    expect(compareResults(scaled("R0", "rps", 0.97), saved, 0.02).regressions.map((r) => r.id)).toEqual(["R0/B0"]);
    expect(() => compareResults(saved, saved, 1)).toThrow(RangeError);
  });

  it("lists a ratio one run lacks as not compared, without failing", () => {
    const withoutPeer: Result = structuredClone(saved);
    delete withoutPeer.figures.P2;
    const c = compareResults(withoutPeer, saved);
    expect(statusOf(c, "R2/P2")).toBe("not compared");
    expect(c.regressions).toEqual([]);
  });
});
