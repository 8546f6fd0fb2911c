import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import app from "../../src/index";
import { devOutboxTransport } from "../../src/mail/transport";
import { BASE, call, callJson } from "../support/api";
import { useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
import { orgObject, runAlarm } from "../support/mail";

useTestClock();

/** The Worker with DEV_MODE set, as `npm start` runs it (the bindings are the real ones). */
async function devFetch(path: string) {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE}${path}`), { ...env, DEV_MODE: "true" }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("the development outbox", () => {
  it("does not exist unless DEV_MODE is true", async () => {
    const u = await enrolledTechnician();
    for (const path of ["/dev/outbox", `/dev/outbox?org=${u.org.slug}`, `/dev/outbox?org=${u.org.slug}&format=json`]) {
      const r = await callJson<{ error: { code: string } }>(path);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe("not_found");
    }
    expect((await call("/dev/outbox", { headers: { "x-dev-mode": "true" } })).status).toBe(404);
  });

  it("shows the delivered mail, readable, with DEV_MODE", async () => {
    const u = await enrolledTechnician();
    // The object's own env has DEV_MODE off in tests; give it the development transport it would pick.
    await runInDurableObject(orgObject(u.org.slug), (o, state) => {
      o.useMailTransport(devOutboxTransport(state.storage.sql, Date.now));
    });
    await runAlarm(u.org.slug);
    const page = await devFetch(`/dev/outbox?org=${u.org.slug}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Two-factor authentication is on");
    expect(html).toContain(u.email);
    const json = (await (await devFetch(`/dev/outbox?org=${u.org.slug}&format=json`)).json()) as {
      delivered: { to: string; mime: string; text: string }[];
      queue: { status: string }[];
    };
    expect(json.delivered[0]?.to).toBe(u.email);
    expect(json.delivered[0]?.mime).toMatch(/Content-Type: multipart\/alternative/i);
    expect(json.delivered[0]?.mime).toMatch(/Content-Type: text\/html/i);
    expect(json.queue[0]?.status).toBe("sent");
    expect((await devFetch("/dev/outbox?org=no-such-org")).status).toBe(404);
  });
});
