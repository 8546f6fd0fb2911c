// `npm run bench -- --compare <old.json>` and `node bench/run.mjs --compare-only <new.json> <old.json>`: each ratio
// of a run against a previous run's, failing when one got worse by more than the margin. Pure: no I/O here.
import { ratios } from "./report.mjs";

/** A ratio worse than the previous run's by more than this fraction (10 %) is a regression; `--margin` changes it. */
export const DEFAULT_MARGIN = 0.1;

/**
 * Compares the ratios of two saved results (bench/results/<date>.json). A ratio regresses when it moved the wrong
 * way (down for rates, up for CPU per operation) by more than `margin` of the previous value. A ratio missing
 * from either run is listed as not compared and never counts as a regression.
 */
export function compareResults(current, previous, margin = DEFAULT_MARGIN) {
  if (!(margin >= 0 && margin < 1)) throw new RangeError(`margin must be at least 0 and below 1, not ${margin}`);
  const before = new Map(ratios(previous.figures ?? {}, null).map(([id, , value]) => [id, value]));
  const rows = ratios(current.figures ?? {}, null).map(([id, what, now, better]) => {
    const was = before.get(id) ?? null;
    if (now === null || was === null) return { id, what, better, was, now, change: null, status: "not compared" };
    const change = now / was - 1;
    const worse = better === "higher" ? -change : change;
    // The epsilon keeps a change of exactly the margin (0.50 -> 0.45 at 10 %) on the passing side of float noise.
    return { id, what, better, was, now, change, status: worse > margin + 1e-9 ? "regressed" : "ok" };
  });
  return { margin, rows, regressions: rows.filter((r) => r.status === "regressed") };
}

const show = (x) => (x === null ? "–" : x.toFixed(2));
const pct = (x) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;

/** The comparison as printable lines, the verdict last. */
export function formatComparison({ margin, rows, regressions }, currentName, previousName) {
  const width = Math.max(...rows.map((r) => r.id.length));
  const lines = [`bench compare: ${currentName} against ${previousName} (margin ${pct(margin).slice(1)}: worse by more fails)`];
  for (const r of rows) {
    const values = `${show(r.was)} -> ${show(r.now)}${r.change === null ? "" : ` (${pct(r.change)})`}`;
    const note = r.status === "regressed" ? `REGRESSED (${r.better} is better)` : r.status;
    lines.push(`  ${r.id.padEnd(width)}  ${values.padEnd(26)}  ${note}`);
  }
  lines.push(
    regressions.length
      ? `bench compare: ${regressions.length} ratio(s) regressed beyond ${pct(margin).slice(1)}: ${regressions.map((r) => r.id).join(", ")}`
      : `bench compare: no ratio regressed beyond ${pct(margin).slice(1)}`,
  );
  return lines;
}
