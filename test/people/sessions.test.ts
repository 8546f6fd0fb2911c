// Sessions and devices: a user sees their own sessions by opaque ids (never the token or its hash), ends one or
// every other, and an admin ends all of someone's.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, PASSWORD, sessionCookieFrom, signIn } from "../support/api";
import { auditRows } from "../support/audit";
import { advance, useTestClock } from "../support/clock";
import { outbox } from "../support/mail";

useTestClock();

interface SessionEntry {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  userAgent: string | null;
  current: boolean;
}

const CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

async function signInWith(email: string, userAgent: string): Promise<string> {
  const r = await call("/auth/login", { body: { email, password: PASSWORD }, headers: { "user-agent": userAgent } });
  const cookie = sessionCookieFrom(r);
  if (!cookie) throw new Error(`sign-in: ${r.status}`);
  return cookie;
}

const sessionsOf = (cookie: string) => callJson<{ sessions: SessionEntry[] }>("/api/me/sessions", { cookie });

describe("a user's sessions", () => {
  it("are listed with opaque ids, times, browser and which one is current", async () => {
    const org = await createOrg();
    const first = await signInWith(org.admin.email, CHROME);
    advance(60_000);
    const second = await signInWith(org.admin.email, "curl/8.5.0");
    const list = await sessionsOf(second);
    expect(list.status).toBe(200);
    expect(list.body.sessions.map((s) => [s.userAgent, s.current])).toEqual([
      ["curl/8.5.0", true],
      [CHROME, false],
    ]);
    const [newest] = list.body.sessions;
    expect(newest?.createdAt).toBe(new Date(Date.now()).toISOString());
    // The id is neither the cookie's token nor the stored hash.
    const hashes = await runInDurableObject(env.ORG.getByName(org.slug), (_o, state) =>
      state.storage.sql.exec<{ token_hash: string }>("SELECT token_hash FROM sessions").toArray(),
    );
    for (const s of list.body.sessions) {
      expect(first).not.toContain(s.id);
      expect(second).not.toContain(s.id);
      expect(hashes.map((h) => h.token_hash)).not.toContain(s.id);
    }
  });

  it("can be ended one by one, only one's own (another's id is a 404 and changes nothing)", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie);
    const userCookie = await signIn(user.email);
    const laptop = await signIn(org.admin.email);
    const laptopId = (await sessionsOf(laptop)).body.sessions.find((s) => s.current)?.id as string;
    const userId = (await sessionsOf(userCookie)).body.sessions[0]?.id as string;

    const foreign = await call(`/api/me/sessions/${userId}`, { method: "DELETE", cookie: adminCookie });
    expect(foreign.status).toBe(404);
    expect((await call("/api/me", { cookie: userCookie })).status).toBe(200);
    expect((await call("/api/me/sessions/ses_unknown", { method: "DELETE", cookie: adminCookie })).status).toBe(404);

    expect((await call(`/api/me/sessions/${laptopId}`, { method: "DELETE", cookie: adminCookie })).status).toBe(204);
    expect((await call("/api/me", { cookie: laptop })).status).toBe(401);
    expect((await call("/api/me", { cookie: adminCookie })).status).toBe(200);
  });

  it("sign out everywhere else keeps only the current one", async () => {
    const org = await createOrg();
    const a = await signIn(org.admin.email);
    const b = await signIn(org.admin.email);
    const c = await signIn(org.admin.email);
    expect((await call("/api/me/sessions/revoke-others", { method: "POST", cookie: b })).status).toBe(204);
    expect((await call("/api/me", { cookie: a })).status).toBe(401);
    expect((await call("/api/me", { cookie: c })).status).toBe(401);
    expect((await sessionsOf(b)).body.sessions.map((s) => s.current)).toEqual([true]);
  });

  it("an admin ends every session of a user, who is mailed; unknown ids are a 404; technicians may not", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie);
    const [one, two] = [await signIn(user.email), await signIn(user.email)];
    expect((await call(`/api/org/users/${user.id}/sessions/revoke`, { method: "POST", cookie: one })).status).toBe(403);
    const r = await call(`/api/org/users/${user.id}/sessions/revoke`, { method: "POST", cookie: adminCookie });
    expect(r.status).toBe(204);
    expect((await call("/api/me", { cookie: one })).status).toBe(401);
    expect((await call("/api/me", { cookie: two })).status).toBe(401);
    expect((await call("/api/org/users/usr_nobody/sessions/revoke", { method: "POST", cookie: adminCookie })).status).toBe(404);
    expect((await outbox(org.slug)).some((m) => m.kind === "sessions.revoked" && m.to === user.email)).toBe(true);
    const event = (await auditRows(org.slug)).find((e) => e.type === "session.revoked" && e.subject_id === user.id);
    expect(event?.detail).toContain("admin");
  });
});
