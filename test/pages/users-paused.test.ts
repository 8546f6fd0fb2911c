// The 15-minute pause after 10 wrong passwords or codes in a row is visible to admins: the API's users list says
// until when (lockedUntil), the Users page shows it with an Unlock link, and unlocking lifts it at once. Before,
// only the lasting lock showed, so an admin helping someone who could not sign in saw nothing to act on.
import { describe, expect, it } from "vitest";
import { call, callJson, PASSWORD } from "../support/api";
import { advance, nextStep, useTestClock } from "../support/clock";
import { challengeFor, type EnrolledUser, enrolledTechnician } from "../support/flows";
import { wrongCode } from "../support/codes";
import { pageOf, postForm } from "../support/pages";
import { codeFor } from "../support/totp";

useTestClock();

const PAUSE_MS = 15 * 60_000;

interface ListedUser {
  id: string;
  locked: boolean;
  lockedUntil: string | null;
}

async function listed(u: EnrolledUser): Promise<ListedUser | undefined> {
  const r = await callJson<{ users: ListedUser[] }>("/api/org/users", { cookie: u.adminCookie });
  expect(r.status).toBe(200);
  return r.body.users.find((x) => x.id === u.id);
}

/** Ten wrong codes on one sign-in's challenges (a challenge takes five): the tenth pauses sign-in for 15 minutes. */
async function tenWrongCodes(u: EnrolledUser): Promise<number> {
  let challenge = "";
  for (let i = 0; i < 10; i++) {
    if (i % 5 === 0) challenge = await challengeFor(u.email);
    const r = await call("/auth/login/2fa", { body: { challenge, code: wrongCode(codeFor(u.enrollment.secret)) } });
    expect(r.status).toBe(401);
  }
  return Date.now();
}

describe("the 15-minute pause, as admins see it", () => {
  it("is listed with its end, shown on the Users page with Unlock, and lifted by the unlock", async () => {
    const u = await enrolledTechnician();
    expect(await listed(u)).toMatchObject({ locked: false, lockedUntil: null });
    const at = await tenWrongCodes(u);
    const until = new Date(at + PAUSE_MS);
    expect(await listed(u)).toMatchObject({ locked: false, lockedUntil: until.toISOString() });
    expect((await call("/auth/login", { body: { email: u.email, password: PASSWORD } })).status).toBe(429);

    const time = until.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
    const users = await pageOf("/users", u.adminCookie);
    expect(users.html).toContain(`Sign-in paused until ${time} UTC`);
    // Each action is an item of its own (run together, "Unlock Make admin" read as one).
    expect(users.html).toContain(`<li><a href="/users/${u.id}/unlock" aria-label="Unlock: ${u.email}">Unlock</a></li>`);
    expect(users.html).toContain(`<li><a href="/users/${u.id}/remove"`);
    const fr = await pageOf("/users?lang=fr", u.adminCookie);
    expect(fr.html).toContain("Connexion suspendue jusqu’au ");

    const confirm = await pageOf(`/users/${u.id}/unlock`, u.adminCookie);
    expect(confirm.html).toContain(`Their sign-in is paused until ${time} UTC after 10 wrong passwords or codes in a row.`);
    const done = await postForm(`/users/${u.id}/unlock`, confirm);
    expect([done.status, done.headers.get("location")]).toEqual([303, "/users?m=unlocked"]);

    expect(await listed(u)).toMatchObject({ locked: false, lockedUntil: null });
    expect((await pageOf("/users", u.adminCookie)).html).not.toContain(`href="/users/${u.id}/unlock"`);
    nextStep(u.enrollment.period);
    const ok = await call("/auth/login/2fa", { body: { challenge: await challengeFor(u.email), code: codeFor(u.enrollment.secret) } });
    expect(ok.status).toBe(200);
  });

  it("ends by itself after 15 minutes, and is listed for wrong passwords too", async () => {
    const u = await enrolledTechnician();
    await tenWrongCodes(u);
    advance(PAUSE_MS);
    expect(await listed(u)).toMatchObject({ locked: false, lockedUntil: null });
    expect((await pageOf("/users", u.adminCookie)).html).not.toContain("Sign-in paused");

    const at = Date.now();
    for (let i = 0; i < 10; i++) {
      expect((await call("/auth/login", { body: { email: u.email, password: "not the password" } })).status).toBe(401);
    }
    expect(await listed(u)).toMatchObject({ locked: false, lockedUntil: new Date(at + PAUSE_MS).toISOString() });
  });

  it("says on the confirmation page when there is nothing to unlock", async () => {
    const u = await enrolledTechnician();
    const confirm = await pageOf(`/users/${u.id}/unlock`, u.adminCookie);
    expect(confirm.res.status).toBe(200);
    expect(confirm.html).toContain("is neither paused nor locked now: there is nothing to unlock.");
  });
});
