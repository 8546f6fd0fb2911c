// The figure the race, fault and concurrency suites print: how many of their scenarios ran with every
// invariant exact, so a run's log says it plainly beside the pass/fail summary.
import { afterAll, afterEach } from "vitest";

/** Counts the calling file's tests as they finish and prints "<label>: N of M scenarios ..." after the last. */
export function tallyScenarios(label: string): void {
  const tally = { passed: 0, total: 0 };
  afterEach((ctx) => {
    tally.total++;
    if (!ctx.task.result?.errors?.length) tally.passed++;
  });
  afterAll(() => console.log("%s: %d of %d scenarios with exact invariants", label, tally.passed, tally.total));
}
