import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
import { flakyTransport, orgObject, outbox, runAlarm, useTransport } from "../support/mail";

useTestClock();

function alarmAt(slug: string) {
  return runInDurableObject(orgObject(slug), (_o, state) => state.storage.getAlarm());
}

describe("sending from the outbox", () => {
  it("retries a failing transport with backoff until it succeeds, and keeps the change", async () => {
    const u = await enrolledTechnician();
    const transport = flakyTransport(2);
    await useTransport(u.org.slug, transport);
    // The enrollment asked for an alarm now, before the 6-hour housekeeping one.
    expect(await alarmAt(u.org.slug)).toBeLessThanOrEqual(Date.now());

    expect(await runAlarm(u.org.slug)).toBe(true);
    let [mail] = await outbox(u.org.slug);
    expect(mail).toMatchObject({ status: "queued", attempts: 1, lastError: "Error: mail provider unavailable (503)" });
    // Mail being down never undoes the change that caused the message.
    const me = await callJson<{ twoFactor: { enabled: boolean } }>("/api/me", { cookie: u.cookie });
    expect(me.body.twoFactor.enabled).toBe(true);
    expect(await alarmAt(u.org.slug)).toBe(Date.now() + 60_000);

    advance(60_000);
    await runAlarm(u.org.slug);
    expect((await outbox(u.org.slug))[0]).toMatchObject({ status: "queued", attempts: 2 });
    expect(await alarmAt(u.org.slug)).toBe(Date.now() + 120_000);

    advance(120_000);
    await runAlarm(u.org.slug);
    [mail] = await outbox(u.org.slug);
    expect(mail).toMatchObject({ status: "sent", attempts: 3, lastError: null, text: null });
    expect(transport.sent.map((m) => [m.to, m.subject])).toEqual([[u.email, "Two-factor authentication is on"]]);
    expect(transport.sent[0]?.html).toContain("<html");

    // Sent once: later alarms (housekeeping) do not send it again.
    advance(7 * 3_600_000);
    await runAlarm(u.org.slug);
    expect(transport.calls).toBe(3);
  });

  it("gives up after the last attempt and marks the message failed", async () => {
    const u = await enrolledTechnician();
    const transport = flakyTransport(1000);
    await useTransport(u.org.slug, transport);
    for (let i = 0; i < 12; i++) {
      await runAlarm(u.org.slug);
      advance(3_600_000);
    }
    const [mail] = await outbox(u.org.slug);
    expect(mail).toMatchObject({ status: "failed", attempts: 12 });
    await runAlarm(u.org.slug);
    expect(transport.calls).toBe(12);
  });

  it("keeps housekeeping on its 6-hour schedule while mail comes and goes", async () => {
    const u = await enrolledTechnician();
    await useTransport(u.org.slug, flakyTransport(0));
    await runAlarm(u.org.slug);
    const next = await alarmAt(u.org.slug);
    expect(next).toBe(Date.now() + 6 * 3_600_000);
  });
});

describe("undelivered mail across an eviction", () => {
  it("stays queued when the object is evicted, and is sent by the next alarm", async () => {
    const { evictDurableObject } = await import("cloudflare:test");
    const u = await enrolledTechnician();
    const down = flakyTransport(100);
    await useTransport(u.org.slug, down);
    await runAlarm(u.org.slug);
    expect((await outbox(u.org.slug))[0]).toMatchObject({ status: "queued", attempts: 1 });
    await evictDurableObject(orgObject(u.org.slug));
    // A new instance: the queued message is still there, and a working transport delivers it.
    expect((await outbox(u.org.slug))[0]).toMatchObject({ status: "queued", attempts: 1 });
    const up = flakyTransport(0);
    await useTransport(u.org.slug, up);
    advance(60_000);
    await runAlarm(u.org.slug);
    expect((await outbox(u.org.slug))[0]).toMatchObject({ status: "sent" });
    expect(up.sent).toHaveLength(1);
  });
});
