// The enrollment a sign-in must make when the org requires 2FA offers a passkey instead of the authenticator app
// (a passkey counts as 2FA), and that page keeps its own words and its way back to the app, even after a refusal.
import { describe, expect, it } from "vitest";
import { addUser, callJson, createOrg, PASSWORD, signIn } from "../support/api";
import { SoftAuthenticator } from "../support/authenticator";
import { useTestClock } from "../support/clock";
import { tab } from "../support/pages";

useTestClock();

async function requiredOrgMember(setting: "require2fa" | "requirePhishingResistant") {
  const org = await createOrg();
  const admin = await signIn(org.admin.email);
  expect((await callJson("/api/org/settings", { method: "PATCH", cookie: admin, body: { [setting]: true } })).status).toBe(200);
  const user = await addUser(admin);
  const b = await tab();
  await b.get("/");
  const login = await b.post("/login", { email: user.email, password: PASSWORD });
  return { b, user, login };
}

describe("enrolling at sign-in", () => {
  it("offers a passkey instead of the app where the org requires 2FA, and signs in with it", async () => {
    const { b, user, login } = await requiredOrgMember("require2fa");
    expect(login.headers.get("location")).toBe("/login/enroll");
    const app = (await b.get("/login/enroll")).html;
    expect(app).toContain("Your organization requires two-factor authentication.");
    expect(app).toContain('<a href="/login/enroll/passkey?choice=1">Use a passkey instead</a>');

    const chosen = (await b.get("/login/enroll/passkey?choice=1")).html;
    expect(chosen).toContain("instead of an authenticator app. It counts as two-factor authentication.");
    expect(chosen).not.toContain("phishing-resistant");
    expect(chosen).toContain('<a href="/login/enroll">Use an authenticator app instead</a>');
    expect(chosen).toContain('<input type="hidden" name="choice" value="1"/>');

    // A refused answer keeps the page's words and its way back.
    const refused = await b.post("/login/enroll/passkey", { name: "", response: "{}", choice: "1" });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    const again = await refused.text();
    expect(again).toContain("Use an authenticator app instead");
    expect(again).not.toContain("phishing-resistant");

    const options = await b.post("/login/enroll/passkey/options", {});
    expect(options.status).toBe(200);
    const added = await b.post("/login/enroll/passkey", {
      name: "Laptop",
      choice: "1",
      response: JSON.stringify(await new SoftAuthenticator().register(await options.json())),
    });
    expect(added.status).toBe(200);
    expect((await added.text()).match(/<li>/g)?.length).toBeGreaterThanOrEqual(10);
    const me = await callJson<{ user: { email: string }; twoFactor: { enabled: boolean } }>("/api/me", {
      cookie: b.s.cookie,
    });
    expect(me.body).toMatchObject({ user: { email: user.email }, twoFactor: { enabled: true } });
    const passkeys = await callJson<{ passkeys: { name: string }[] }>("/api/me/passkeys", { cookie: b.s.cookie });
    expect(passkeys.body.passkeys.map((k) => k.name)).toEqual(["Laptop"]);
  });

  it("where the org requires phishing-resistant sign-in, says so and offers no way back to an app", async () => {
    const { b, login } = await requiredOrgMember("requirePhishingResistant");
    expect(login.headers.get("location")).toBe("/login/enroll");
    // The app page is not this org's: it sends the person to the passkey.
    expect((await b.get("/login/enroll")).res.headers.get("location")).toBe("/login/enroll/passkey");
    const forced = (await b.get("/login/enroll/passkey")).html;
    expect(forced).toContain("phishing-resistant");
    expect(forced).not.toContain("Use an authenticator app instead");
  });
});
