// The org object's test seams (mail transport swap, storage figures) refuse in any runtime not started with
// TEST_SEAMS=true: only vitest.config.ts and the benchmark set it, so no deployment can be driven through them.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createOrg } from "../support/api";
import { flakyTransport } from "../support/mail";

describe("test seams", () => {
  it("refuse without TEST_SEAMS=true, and work with it", async () => {
    const org = await createOrg();
    await runInDurableObject(env.ORG.getByName(org.slug), (o) => {
      const seamed = o as unknown as { env: Record<string, unknown> };
      const real = seamed.env;
      try {
        seamed.env = { ...real, TEST_SEAMS: undefined };
        expect(() => o.storageStats()).toThrow(/test seam/);
        expect(() => o.useMailTransport(flakyTransport())).toThrow(/test seam/);
      } finally {
        seamed.env = real;
      }
      expect(o.storageStats().users).toBe(1);
    });
  });
});
