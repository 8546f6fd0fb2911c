// Types for bench/lib/compare.mjs, so the TypeScript tests can import it.
export const DEFAULT_MARGIN: number;
export interface RatioRow {
  id: string;
  what: string;
  better: "higher" | "lower";
  was: number | null;
  now: number | null;
  change: number | null;
  status: "ok" | "regressed" | "not compared";
}
export interface Comparison {
  margin: number;
  rows: RatioRow[];
  regressions: RatioRow[];
}
export function compareResults(current: { figures?: object }, previous: { figures?: object }, margin?: number): Comparison;
export function formatComparison(comparison: Comparison, currentName: string, previousName: string): string[];
