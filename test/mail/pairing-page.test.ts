import { describe, expect, it } from "vitest";
import { addUser, BASE, call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { flakyTransport, linkIn, runAlarm, setAsideVerificationMail, useTransport } from "../support/mail";
import { codeFor } from "../support/totp";

useTestClock();

const form = { "content-type": "application/x-www-form-urlencoded" };

/** The form token in a page and the "name=value" of the cookies it set (the pre-session CSRF cookie). */
function formToken(html: string, res: Response) {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { token, cookie };
}

describe("the pairing page", () => {
  it("opens from the email, sets up 2FA on another device and shows the recovery codes, with no session", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie);
    await setAsideVerificationMail(org.slug);
    const transport = flakyTransport(0);
    await useTransport(org.slug, transport);
    await call(`/api/org/users/${user.id}/2fa/pairing-link`, { method: "POST", cookie: adminCookie });
    await runAlarm(org.slug);
    const path = linkIn(transport.sent[0] as never).slice(BASE.length);

    // Opening the link (as a mail scanner would) changes nothing: it only shows a button. The only cookie it
    // sets is the pre-session form token's; never a session.
    const opened = await call(path, { headers: { "accept-language": "en" } });
    expect(opened.status).toBe(200);
    const openedHtml = await opened.text();
    expect(openedHtml).toContain(`action="${path}"`);
    expect(openedHtml).toContain("It does not sign you in.");
    expect(openedHtml).toMatch(/<input id="password" name="password" type="password"[^>]*autocomplete="current-password"/);
    const { token, cookie } = formToken(openedHtml, opened);
    expect(token).toBeTruthy();
    expect(cookie).toMatch(/^(__Host-)?csrf=[^;]+$/);
    const post = (to: string, body: string) => call(to, { method: "POST", cookie, headers: form, body });

    // A post without the form token starts nothing.
    expect((await post(path, "")).status).toBe(403);

    // An empty password is refused before any check (not counted); a wrong one re-shows the page with the words,
    // as a 401; either way the link still works.
    const empty = await post(path, `_csrf=${token}&password=`);
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('id="password-error">This field is required.<');
    const wrongPassword = await post(path, `_csrf=${token}&password=not+the+password`);
    expect(wrongPassword.status).toBe(401);
    const wrongPasswordHtml = await wrongPassword.text();
    expect(wrongPasswordHtml).toContain('id="password-error">That password is incorrect. This link still works: try again.<');
    expect(wrongPasswordHtml).toContain('aria-invalid="true"');
    expect(wrongPasswordHtml).not.toContain("totp-key");

    const started = await post(path, `_csrf=${token}&password=${encodeURIComponent(user.password)}`);
    expect(started.status).toBe(200);
    expect(started.headers.getSetCookie()).toEqual([]);
    const html = await started.text();
    const secret = (/id="totp-key">([A-Z2-7 ]+)<\/code>/.exec(html)?.[1] ?? "").replace(/ /g, "");
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(html).toContain("data:image/svg+xml;base64,");
    expect(html).toContain(`action="${path}/confirm"`);

    // A wrong code keeps the same QR and key on the page, with the error, as a 401.
    const wrong = await post(
      `${path}/confirm`,
      `_csrf=${token}&code=000000&otpauth=${encodeURIComponent(/name="otpauth" value="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? "")}`,
    );
    expect(wrong.status).toBe(401);
    const wrongHtml = await wrong.text();
    expect(wrongHtml).toContain(`id="totp-key">${secret.replace(/(.{4})/g, "$1 ").trim()}<`);
    expect(wrongHtml).toContain("That code is incorrect or has expired.");

    const done = await post(`${path}/confirm`, `_csrf=${token}&code=${codeFor(secret)}`);
    expect(done.status).toBe(200);
    expect(done.headers.getSetCookie()).toEqual([]);
    const doneHtml = await done.text();
    const codes = /<ul class="codes" id="recovery-codes"[^>]*>(.*?)<\/ul>/.exec(doneHtml)?.[1] ?? "";
    expect(codes.match(/<li>[a-z0-9-]+<\/li>/gi)).toHaveLength(10);
    expect(doneHtml).toContain("These codes will not be shown again.");
    const login = await callJson<{ status: string }>("/auth/login", { body: { email: user.email, password: user.password } });
    expect(login.body.status).toBe("2fa_required");

    // The spent link: a clear message, as a 404, on opening it again and at either step.
    const reopened = await call(path, { headers: { "accept-language": "en" } });
    expect(reopened.status).toBe(404);
    expect(await reopened.text()).toContain("This setup link was used, replaced or has expired.");
    for (const step of ["", "/confirm"]) {
      const again = await post(`${path}${step}`, `_csrf=${token}&code=${codeFor(secret)}&password=${encodeURIComponent(user.password)}`);
      expect(again.status).toBe(404);
      expect(await again.text()).toContain("This setup link was used, replaced or has expired.");
    }
  });

  it("shows the pages in French from Accept-Language, and a made-up or spent link as a 404 at once", async () => {
    const org = await createOrg();
    const adminCookie = await signIn(org.admin.email);
    const user = await addUser(adminCookie);
    await setAsideVerificationMail(org.slug);
    const transport = flakyTransport(0);
    await useTransport(org.slug, transport);
    await call(`/api/org/users/${user.id}/2fa/pairing-link`, { method: "POST", cookie: adminCookie });
    await runAlarm(org.slug);
    const path = linkIn(transport.sent[0] as never).slice(BASE.length);
    const opened = await call(path, { headers: { "accept-language": "fr-FR,fr;q=0.9" } });
    expect(opened.status).toBe(200);
    const html = await opened.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("Il ne vous connecte pas.");
    expect(html).toContain('<label for="password">Votre mot de passe</label>');
    const { token, cookie } = formToken(html, opened);

    // A made-up link says so on opening, before asking for a password, and when posted to.
    const madeUp = await call("/pair/gp.nope.-.made-up", { headers: { "accept-language": "fr-FR,fr;q=0.9" } });
    expect(madeUp.status).toBe(404);
    const deadHtml = await madeUp.text();
    expect(deadHtml).toContain("Ce lien de configuration a déjà servi, a été remplacé ou a expiré.");
    expect(deadHtml).not.toContain('name="password"');
    const res = await call("/pair/gp.nope.-.made-up", {
      method: "POST",
      cookie,
      headers: { ...form, "accept-language": "fr" },
      body: `_csrf=${token}&password=whatever`,
    });
    expect(res.status).toBe(404);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await res.text()).toContain("Ce lien de configuration a déjà servi, a été remplacé ou a expiré.");
  });
});
