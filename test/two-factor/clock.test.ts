import { afterEach, describe, expect, it, vi } from "vitest";
import { callJson, createOrg, signIn } from "../support/api";

afterEach(() => vi.useRealTimers());

describe("the test clock", () => {
  it("moves time inside the org's object too, so tests never sleep", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T00:00:00Z"));
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const events = await callJson<{ events: { at: string; type: string }[] }>("/api/org/audit", { cookie });
    expect(events.body.events[0]?.at.startsWith("2030-01-01T00:00")).toBe(true);
  });
});
