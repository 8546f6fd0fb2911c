// Words of the technician's pages that an audit found wrong: the lock message is a sentence, French typography
// and agreement on the Account page, and the second step offers a passkey without "Or" when it is the only way.
import { describe, expect, it } from "vitest";
import { call, createOrg, PASSWORD, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
import { tab } from "../support/pages";
import { addPasskey, passkeyTechnician } from "../support/passkeys";

useTestClock();

describe("the pages' words", () => {
  it("end the lock message with a full stop, in English and French", async () => {
    const org = await createOrg();
    for (let i = 0; i < 10; i++) {
      await call("/auth/login", { body: { email: org.admin.email, password: `wrong password ${i}` } });
    }
    for (const [lang, words] of [
      ["en", "Too many attempts, try again in 15 minutes.</"],
      ["fr", "Trop de tentatives, réessayez dans 15 minutes.</"],
    ]) {
      const b = await tab();
      await b.get(`/?lang=${lang}`);
      const locked = await b.post("/login", { email: org.admin.email, password: PASSWORD });
      expect(locked.status).toBe(429);
      expect(await locked.text()).toContain(words);
    }
  });

  it("put a no-break space before the French colon, and agree 'non vérifiée' with 'adresse'", async () => {
    const org = await createOrg();
    const b = await tab(await signIn(org.admin.email));
    const html = (await b.get("/account?lang=fr")).html;
    expect(html).toContain("État\u00a0: <span");
    // The first admin's address was typed by the operator: not verified yet.
    expect(html).toContain(">Non vérifiée</span>");
    expect((await b.get("/account?lang=en")).html).toContain("Status: <span");
  });

  it("warn at the second step, before it happens, that 5 wrong codes end the sign-in, in English and French", async () => {
    const u = await enrolledTechnician();
    for (const [lang, words] of [
      ["en", "After 5 wrong codes you will need to sign in again."],
      ["fr", "Après 5 codes erronés, il faudra vous reconnecter."],
    ]) {
      const b = await tab();
      await b.get(`/?lang=${lang}`);
      await b.post("/login", { email: u.email, password: PASSWORD });
      const html = (await b.get("/login/2fa")).html;
      expect(html).toContain(`<p class="hint" id="code-hint">${words}</p>`);
      expect(html).toMatch(/<input id="code"[^>]*aria-describedby="code-hint"/);
    }
  });

  it("offer the passkey alone at a second step with no code field, and beside the code form (above it) otherwise", async () => {
    const only = await passkeyTechnician();
    const b = await tab();
    await b.get("/");
    await b.post("/login", { email: only.email, password: PASSWORD });
    const step = (await b.get("/login/2fa")).html;
    expect(step).toContain("Use a passkey on this device or a security key.");
    expect(step).not.toContain("or enter a code below");

    const both = await enrolledTechnician();
    await addPasskey(both.cookie);
    const t = await tab();
    await t.get("/");
    await t.post("/login", { email: both.email, password: PASSWORD });
    const html = (await t.get("/login/2fa")).html;
    // The passkey comes first on the page: its words point down to the code form, not back to it with "Or".
    expect(html).toContain("Confirm with a passkey on this device or a security key, or enter a code below.");
    expect(html.indexOf("or enter a code below")).toBeLessThan(html.indexOf('id="code"'));
  });
});
