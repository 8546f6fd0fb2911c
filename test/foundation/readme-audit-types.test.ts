/// <reference types="vite/client" />
// The README's list of audit event types is the one an integrator reads to consume the log: it names every type
// the code can record (src/org/audit.ts AUDIT_TYPES), and none it cannot.
import { describe, expect, it } from "vitest";
import readme from "../../README.md?raw";
import { AUDIT_TYPES } from "../../src/org/audit";

describe("README: audit event types", () => {
  it("lists every type the log can hold, and no other", () => {
    const section = readme.split("### Audit event types")[1]?.split("Each event has")[0] ?? "";
    const listed = [...section.matchAll(/`([a-z0-9_]+\.[a-z0-9_]+)`/g)].map((m) => m[1]);
    expect([...new Set(listed)].sort()).toEqual([...AUDIT_TYPES].sort());
  });
});
