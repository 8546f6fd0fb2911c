import { describe, expect, it } from "vitest";
import { call } from "../support/api";

describe("health", () => {
  it("answers the health check", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});
