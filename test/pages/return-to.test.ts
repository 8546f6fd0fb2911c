// A deep link survives signing in: the signed-out visitor of a signed-in page lands on it after the sign-in (one
// or two steps), once, and only on a page address of ours, whatever the cookie holds.
import { describe, expect, it } from "vitest";
import { safeReturnPath } from "../../src/routes/pages/return-to";
import { call, createOrg, PASSWORD, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { enrolledAdmin } from "../support/flows";
import { tab } from "../support/pages";
import { codeFor } from "../support/totp";

useTestClock();

describe("returning to the page asked for after signing in", () => {
  it("lands on it after the password, once; later sign-ins go to the Account page", async () => {
    const org = await createOrg();
    const b = await tab();
    const asked = await b.get("/audit?before=5");
    expect([asked.res.status, asked.res.headers.get("location")]).toEqual([303, "/"]);
    await b.get("/");
    const login = await b.post("/login", { email: org.admin.email, password: PASSWORD });
    expect(login.headers.get("location")).toBe("/audit?before=5");
    await b.get("/account");
    expect((await b.post("/logout", {})).status).toBe(303);
    await b.get("/");
    expect((await b.post("/login", { email: org.admin.email, password: PASSWORD })).headers.get("location")).toBe("/account");
  });

  it("lands on it after the second factor too", async () => {
    const { org, enrollment } = await enrolledAdmin();
    const b = await tab();
    await b.get("/api-keys");
    await b.get("/");
    expect((await b.post("/login", { email: org.admin.email, password: PASSWORD })).headers.get("location")).toBe("/login/2fa");
    await b.get("/login/2fa");
    const second = await b.post("/login/2fa", { code: codeFor(enrollment.secret) });
    expect(second.headers.get("location")).toBe("/api-keys");
  });

  it("never goes anywhere but a page of ours, whatever the cookie holds", async () => {
    for (const planted of [
      "//evil.example/x",
      "/\\evil.example",
      "https://evil.example/",
      "/login/2fa",
      "/api/me",
      "/oauth/authorize?x=1",
    ]) {
      const org = await createOrg();
      const b = await tab(`__Host-return-to=${encodeURIComponent(planted)}`);
      await b.get("/");
      const login = await b.post("/login", { email: org.admin.email, password: PASSWORD });
      expect([planted, login.headers.get("location")]).toEqual([planted, "/account"]);
    }
  });

  it("says why a visitor whose session ended is asked to sign in again, and drops the dead cookie", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    expect((await call("/auth/logout", { method: "POST", cookie, body: {} })).status).toBe(204);
    const b = await tab(cookie);
    const asked = await b.get("/users");
    expect([asked.res.status, asked.res.headers.get("location")]).toEqual([303, "/?m=ended"]);
    expect(asked.res.headers.getSetCookie().some((c) => /session=;|Max-Age=0/i.test(c) && /session/i.test(c))).toBe(true);
    const page = (await b.get("/?m=ended")).html;
    expect(page).toContain("Your session has ended: it expired, you signed out on another device, or an admin ended it.");
    // The page asked for still comes after the new sign-in.
    expect((await b.post("/login", { email: org.admin.email, password: PASSWORD })).headers.get("location")).toBe("/users");
    // Someone who was never signed in is just asked to sign in.
    expect((await (await tab()).get("/users")).res.headers.get("location")).toBe("/");
  });

  it("keeps only our own page paths", () => {
    expect(safeReturnPath("/users?q=ann")).toBe("/users?q=ann");
    expect(safeReturnPath("/account")).toBe("/account");
    for (const bad of [
      undefined,
      "",
      "/",
      "users",
      "//evil",
      "/\\evil",
      "/a b",
      "/a\u0000",
      "/logout",
      "/login",
      "/api/org",
      "/auth/x",
      `/${"a".repeat(600)}`,
    ]) {
      expect(safeReturnPath(bad), String(bad)).toBeNull();
    }
  });
});
