import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createOrg, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";

useTestClock();

describe("sessions", () => {
  it("expire after 30 idle minutes", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    advance(29 * 60_000);
    expect((await call("/api/me", { cookie })).status).toBe(200);
    advance(29 * 60_000); // active a moment ago: still alive
    expect((await call("/api/me", { cookie })).status).toBe(200);
    advance(31 * 60_000);
    expect((await call("/api/me", { cookie })).status).toBe(401);
  });

  it("move their idle clock at most every 3 minutes (a tenth of 30), so most session checks write nothing", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    const lastSeen = () =>
      runInDurableObject(
        env.ORG.getByName(org.slug),
        (_o, state) => state.storage.sql.exec<{ t: number }>("SELECT MAX(last_seen_at) AS t FROM sessions").one().t,
      );
    const signedInAt = await lastSeen();
    advance(2 * 60_000);
    expect((await call("/api/me", { cookie })).status).toBe(200);
    expect(await lastSeen()).toBe(signedInAt);
    advance(60_000);
    expect((await call("/api/me", { cookie })).status).toBe(200);
    expect(await lastSeen()).toBe(signedInAt + 3 * 60_000);
    // Used 2 minutes after that touch, then left: it ends 30 minutes after the touch, early rather than late.
    advance(2 * 60_000);
    expect((await call("/api/me", { cookie })).status).toBe(200);
    advance(28 * 60_000);
    expect((await call("/api/me", { cookie })).status).toBe(401);
  });

  it("expire 12 hours after sign-in however active", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    for (let i = 0; i < 12 * 3; i++) {
      advance(20 * 60_000);
      const status = (await call("/api/me", { cookie })).status;
      if (i < 12 * 3 - 1) expect(status).toBe(200);
      else expect(status).toBe(401);
    }
  });

  it("are revoked on the server at logout, while other sessions of the user live on", async () => {
    const org = await createOrg();
    const a = await signIn(org.admin.email);
    const b = await signIn(org.admin.email);
    expect((await call("/auth/logout", { method: "POST", cookie: a })).status).toBe(204);
    expect((await call("/api/me", { cookie: a })).status).toBe(401);
    expect((await call("/api/me", { cookie: b })).status).toBe(200);
  });

  it("need a recent sign-in before 2FA can be set up (step-up)", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    for (let i = 0; i < 4; i++) {
      advance(5 * 60_000);
      await call("/api/me", { cookie });
    }
    const r = await call("/api/me/2fa/setup", { method: "POST", cookie });
    expect(r.status).toBe(403);
    const fresh = await signIn(org.admin.email);
    expect((await call("/api/me/2fa/setup", { method: "POST", cookie: fresh })).status).toBe(200);
  });
});
