// The Account page of someone without 2FA, signed in before their org started requiring it: the session keeps
// working (docs/api.md), and the page says the org now requires 2FA, before the next sign-in makes them enroll.
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, signIn } from "../support/api";
import { enrolledTechnician } from "../support/flows";
import { useTestClock } from "../support/clock";

useTestClock();

async function account(cookie: string, lang = "en") {
  const res = await call(`/account?lang=${lang}`, { cookie, headers: { accept: "text/html" } });
  expect(res.status).toBe(200);
  return res.text();
}

const REQUIRED = "Your organization requires two-factor authentication: set it up now.";

describe("the Account page where the org requires 2FA", () => {
  it("tells a member without 2FA, in their language, from the moment it is required and only while it is", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const tech = await signIn((await addUser(admin)).email);
    expect(await account(tech)).not.toContain(REQUIRED);
    const require = (on: boolean) => callJson("/api/org/settings", { method: "PATCH", cookie: admin, body: { require2fa: on } });
    expect((await require(true)).status).toBe(200);
    expect(await account(tech)).toContain(REQUIRED);
    expect(await account(tech, "fr")).toContain(
      "Votre organisation exige l’authentification à deux facteurs\u00a0: configurez-la maintenant.",
    );
    expect((await require(false)).status).toBe(200);
    expect(await account(tech)).not.toContain(REQUIRED);
  });

  it("says nothing to a member who has 2FA", async () => {
    const u = await enrolledTechnician();
    const admin = await signIn(u.org.admin.email);
    expect((await callJson("/api/org/settings", { method: "PATCH", cookie: admin, body: { require2fa: true } })).status).toBe(200);
    expect(await account(u.cookie)).not.toContain(REQUIRED);
  });
});
