// Mail through the HTTPS mail API (src/mail/http-api.ts), against the stand-in provider that vitest.config.ts
// runs as the test Worker's outbound service (test/support/mail-provider.ts): real requests leave workerd.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAIL_MAX_ATTEMPTS } from "../../src/constants";
import { httpApiTransport } from "../../src/mail/http-api";
import { chooseTransport } from "../../src/mail/transport";
import { callJson, createOrg, randomEmail } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { enrolledAdmin } from "../support/flows";
import { orgObject, outbox, runAlarm } from "../support/mail";
import { MAIL_STAND_IN_KEY, MAIL_STAND_IN_URL } from "../support/mail-provider";

useTestClock();

interface Received {
  authorization: string;
  idempotencyKey: string | null;
  contentType: string | null;
  body: { from: string; to: string[]; subject: string; text: string; html: string };
}

async function received(to: string): Promise<Received[]> {
  return (await fetch(`${MAIL_STAND_IN_URL}/__sent?to=${encodeURIComponent(to)}`)).json();
}

/** The org's transport is the one the deployment would choose with MAIL_API_KEY and MAIL_API_URL set. */
async function useMailApi(slug: string, overrides: { key?: string; timeoutMs?: number } = {}) {
  await runInDurableObject(orgObject(slug), (o, state) => {
    const transport =
      overrides.key || overrides.timeoutMs
        ? httpApiTransport({ url: MAIL_STAND_IN_URL, key: overrides.key ?? MAIL_STAND_IN_KEY, timeoutMs: overrides.timeoutMs })
        : chooseTransport({ ...env, MAIL_API_KEY: MAIL_STAND_IN_KEY, MAIL_API_URL: MAIL_STAND_IN_URL }, state.storage.sql, Date.now);
    o.useMailTransport(transport);
  });
}

/** An org whose admin's address steers the stand-in, with one message queued ("two-factor authentication is on"). */
async function orgWithMailTo(prefix: string) {
  const email = randomEmail(prefix);
  const org = await createOrg({ email });
  await useMailApi(org.slug);
  const admin = await enrolledAdmin(org);
  return { slug: org.slug, email, cookie: admin.cookie };
}

function alarmAt(slug: string) {
  return runInDurableObject(orgObject(slug), (_o, state) => state.storage.getAlarm());
}

describe("mail through the HTTPS mail API", () => {
  it("delivers in the provider's documented format, with the key only in the Authorization header", async () => {
    const o = await orgWithMailTo("accept");
    await runAlarm(o.slug);
    const [mail] = await outbox(o.slug);
    expect(mail).toMatchObject({ status: "sent", attempts: 1, lastError: null });
    const [req, ...more] = await received(o.email);
    expect(more).toEqual([]);
    expect(req?.authorization).toBe(`Bearer ${MAIL_STAND_IN_KEY}`);
    expect(req?.contentType).toBe("application/json");
    expect(req?.idempotencyKey).toMatch(new RegExp(`^${o.slug}\\.\\d+\\.\\d+$`));
    expect(req?.body).toEqual({
      from: "no-reply@gatehouse.invalid",
      to: [o.email],
      subject: "Two-factor authentication is on",
      text: expect.stringContaining("Two-factor authentication was turned on"),
      html: expect.stringContaining("<html"),
    });
  });

  it("gives up at once on a 4xx refusal, marks the message failed, and shows it to the admin", async () => {
    const o = await orgWithMailTo("reject");
    await runAlarm(o.slug);
    const seen = await callJson<{ messages: { status: string; attempts: number; lastError: string }[]; failed: number }>("/api/org/mail", {
      cookie: o.cookie,
    });
    expect(seen.status).toBe(200);
    expect(seen.body.failed).toBe(1);
    expect(seen.body.messages[0]).toMatchObject({ status: "failed", attempts: 1 });
    expect(seen.body.messages[0]?.lastError).toBe("MailRejected: mail API answered 422 (validation_error: Invalid `to` field.)");
    // Never tried again.
    advance(24 * 3_600_000);
    await runAlarm(o.slug);
    expect(await received(o.email)).toHaveLength(1);
  });

  it("treats a wrong key as a refusal and never stores or shows the key", async () => {
    const wrongKey = "re_wrong_key_that_must_not_leak_1234";
    const email = randomEmail("accept");
    const org = await createOrg({ email });
    await useMailApi(org.slug, { key: wrongKey });
    const admin = await enrolledAdmin(org);
    await runAlarm(org.slug);
    const seen = await callJson("/api/org/mail", { cookie: admin.cookie });
    expect(JSON.stringify(seen.body)).toContain("403");
    expect(JSON.stringify(seen.body)).not.toContain(wrongKey);
    expect(JSON.stringify(await outbox(org.slug))).not.toContain(wrongKey);
    expect((await outbox(org.slug))[0]).toMatchObject({ status: "failed" });
  });

  it("retries a 429, a 409 (the same idempotency key still in progress) and a 5xx with backoff, then delivers", async () => {
    const busy = await orgWithMailTo("busy");
    await runAlarm(busy.slug);
    expect((await outbox(busy.slug))[0]).toMatchObject({ status: "queued", attempts: 1 });
    expect((await outbox(busy.slug))[0]?.lastError).toContain("429");
    expect(await alarmAt(busy.slug)).toBe(Date.now() + 60_000);

    const conflict = await orgWithMailTo("conflict");
    await runAlarm(conflict.slug);
    expect((await outbox(conflict.slug))[0]).toMatchObject({ status: "queued", attempts: 1 });

    const flaky = await orgWithMailTo("flaky2");
    await runAlarm(flaky.slug);
    expect((await outbox(flaky.slug))[0]).toMatchObject({ status: "queued", attempts: 1 });
    expect((await outbox(flaky.slug))[0]?.lastError).toContain("503");
    advance(60_000);
    await runAlarm(flaky.slug);
    expect((await outbox(flaky.slug))[0]).toMatchObject({ status: "queued", attempts: 2 });
    expect(await alarmAt(flaky.slug)).toBe(Date.now() + 120_000);
    advance(120_000);
    await runAlarm(flaky.slug);
    expect((await outbox(flaky.slug))[0]).toMatchObject({ status: "sent", attempts: 3, lastError: null });
    // Every attempt carried the same idempotency key, so the provider could drop a duplicate.
    const keys = new Set((await received(flaky.email)).map((r) => r.idempotencyKey));
    expect(keys.size).toBe(1);
  });

  it("stops retrying a provider that keeps failing after the last attempt", async () => {
    const o = await orgWithMailTo("down");
    for (let i = 0; i < MAIL_MAX_ATTEMPTS + 2; i++) {
      await runAlarm(o.slug);
      advance(3_600_000);
    }
    expect((await outbox(o.slug))[0]).toMatchObject({ status: "failed", attempts: MAIL_MAX_ATTEMPTS });
    expect(await received(o.email)).toHaveLength(MAIL_MAX_ATTEMPTS);
  });

  it("abandons a call that takes too long and retries it later", async () => {
    const email = randomEmail("slow");
    const org = await createOrg({ email });
    // The stand-in answers after 3 s; the transport waits 200 ms (real time: the abort is the runtime's timer).
    await useMailApi(org.slug, { timeoutMs: 200 });
    await enrolledAdmin(org);
    await runAlarm(org.slug);
    expect((await outbox(org.slug))[0]).toMatchObject({ status: "queued", attempts: 1, lastError: "Error: mail API timed out" });
    expect(await alarmAt(org.slug)).toBe(Date.now() + 60_000);
  });

  it("loses nothing across a restart of the org's object: the queued message goes out from the new instance", async () => {
    const o = await orgWithMailTo("flaky1");
    await runAlarm(o.slug);
    expect((await outbox(o.slug))[0]).toMatchObject({ status: "queued", attempts: 1 });
    await evictDurableObject(orgObject(o.slug));
    await useMailApi(o.slug);
    advance(60_000);
    await runAlarm(o.slug);
    expect((await outbox(o.slug))[0]).toMatchObject({ status: "sent", attempts: 2 });
    expect(await received(o.email)).toHaveLength(2);
  });
});
