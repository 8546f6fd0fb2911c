// An unauthenticated /oauth/authorize goes through Gatehouse's own sign-in pages (password, then the second factor,
// or enrollment) and comes back to the client with a code; acr_values=mfa makes a user without 2FA enroll first.
import { describe, expect, it } from "vitest";
import { BASE, call, createOrg, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { enrolledTechnician } from "../support/flows";
import { passkeyTechnician } from "../support/passkeys";
import { PASSWORD } from "../support/secrets";
import { codeFor } from "../support/totp";
import { authorizeUrl, type Client, orgClient, pkce, platformClient, redeem, verifyIdToken } from "./support";

useTestClock();

/** A browser: a cookie jar, following nothing by itself. */
function browser(initial?: string) {
  const jar = new Map<string, string>();
  if (initial) {
    const [k, v] = initial.split("=");
    jar.set(k as string, v as string);
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const keep = (res: Response) => {
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(";");
      const [k, ...v] = (pair as string).split("=");
      if (/Max-Age=0/i.test(set)) jar.delete(k as string);
      else jar.set(k as string, v.join("="));
    }
    return res;
  };
  return {
    get: async (path: string) => keep(await call(path, { cookie: cookie(), headers: { accept: "text/html" } })),
    /** Posts a form of the page at `from` (its CSRF token) to `path`. */
    post: async (path: string, fields: Record<string, string> | ((html: string) => Record<string, string>), from = path) => {
      const html = await (await keep(await call(from, { cookie: cookie(), headers: { accept: "text/html" } }))).text();
      const _csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
      return keep(
        await call(path, {
          cookie: cookie(),
          headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE, accept: "text/html" },
          body: new URLSearchParams({ _csrf, ...(typeof fields === "function" ? fields(html) : fields) }).toString(),
        }),
      );
    },
  };
}

/**
 * Where /oauth/authorize/continue sends the person: a page that navigates on (a redirect would be stopped by the
 * sign-in form's CSP form-action in Chromium), so the address is in its refresh and its link.
 */
async function backTo(res: Response): Promise<URL> {
  expect(res.status).toBe(200);
  expect(res.headers.get("location")).toBeNull();
  const html = await res.text();
  const target = /<meta http-equiv="refresh" content="0; url=([^"]+)">/.exec(html)?.[1]?.replace(/&amp;/g, "&") ?? "";
  expect(html).toContain(`<a href="${target.replace(/&/g, "&amp;")}">`);
  return new URL(target);
}

async function start(client: Client, extra: Record<string, string> = {}, session?: string) {
  const { verifier, challenge } = await pkce();
  const b = browser(session);
  const first = await b.get(authorizeUrl(client, challenge, extra));
  expect(first.headers.get("location")).toBe("/");
  return { b, verifier };
}

describe("signing in to an application through Gatehouse's pages", () => {
  it("password, then TOTP, then back to the client with a code whose tokens say pwd+otp+mfa", async () => {
    const user = await enrolledTechnician();
    const client = await orgClient(user.adminCookie);
    const { b, verifier } = await start(client);
    // The sign-in page names where the person is going, and for an org's own application, whose it is.
    expect(await (await b.get("/")).text()).toContain(
      `<p class="lead">Sign in to continue to Dashboard, an application of the organization “${user.org.slug}”.</p>`,
    );
    const login = await b.post("/login", { email: user.email, password: PASSWORD }, "/");
    expect(login.headers.get("location")).toBe("/login/2fa");
    const second = await b.post("/login/2fa", { code: codeFor(user.enrollment.secret) });
    expect(second.headers.get("location")).toBe("/oauth/authorize/continue");
    const url = await backTo(await b.get("/oauth/authorize/continue"));
    expect(`${url.origin}${url.pathname}`).toBe(client.redirectUri);
    expect(url.searchParams.get("state")).toBe("st-123");
    const tokens = await redeem(client, url.searchParams.get("code") as string, verifier);
    const id = await verifyIdToken(tokens.body.id_token as string, client.clientId);
    expect(id).toMatchObject({ sub: user.id, amr: ["pwd", "otp", "mfa"] });
    // The waiting request is spent: continuing again shows an error page, no second code.
    expect((await b.get("/oauth/authorize/continue")).status).toBe(400);
  });

  it("names the application on the sign-in page as text: markup in its name is shown, never run", async () => {
    const user = await enrolledTechnician();
    const client = await orgClient(user.adminCookie, { name: '<img src=x onerror=alert(1)> "Ops"' });
    const { b } = await start(client);
    const html = await (await b.get("/")).text();
    expect(html).toContain("Sign in to continue to &lt;img src=x onerror=alert(1)&gt; &quot;Ops&quot;, an application of");
    expect(html).not.toContain("<img src=x");
    // The operator's application for every org is named alone; in French too.
    const platform = await start(await platformClient());
    expect(await (await platform.b.get("/")).text()).toContain('<p class="lead">Sign in to continue to Platform app.</p>');
    expect(await (await platform.b.get("/?lang=fr")).text()).toContain(
      '<p class="lead">Connectez-vous pour continuer vers Platform app.</p>',
    );
  });

  it("password, then a passkey, then back to the client with a code whose tokens say pwd+mfa and the passkey", async () => {
    const user = await passkeyTechnician();
    const client = await orgClient(user.adminCookie);
    const { b, verifier } = await start(client);
    const login = await b.post("/login", { email: user.email, password: PASSWORD }, "/");
    expect(login.headers.get("location")).toBe("/login/2fa");
    const options = await (await b.post("/login/2fa/passkey/options", {}, "/login/2fa")).json();
    const second = await b.post("/login/2fa/passkey", { response: JSON.stringify(await user.auth.assert(options as never)) }, "/login/2fa");
    expect(second.headers.get("location")).toBe("/oauth/authorize/continue");
    const url = await backTo(await b.get("/oauth/authorize/continue"));
    expect(url.searchParams.get("state")).toBe("st-123");
    const tokens = await redeem(client, url.searchParams.get("code") as string, verifier);
    const id = await verifyIdToken(tokens.body.id_token as string, client.clientId);
    expect(id.sub).toBe(user.id);
    expect(id.amr).toEqual(expect.arrayContaining(["pwd", "mfa"]));
  });

  it("'Sign in with a passkey' (no password), then back to the client with a code", async () => {
    const user = await passkeyTechnician();
    const client = await orgClient(user.adminCookie);
    const { b, verifier } = await start(client);
    const options = await (await b.post("/login/passkey/options", {}, "/")).json();
    const signedIn = await b.post("/login/passkey", { response: JSON.stringify(await user.auth.assert(options as never)) }, "/");
    expect(signedIn.headers.get("location")).toBe("/oauth/authorize/continue");
    const url = await backTo(await b.get("/oauth/authorize/continue"));
    const tokens = await redeem(client, url.searchParams.get("code") as string, verifier);
    expect((await verifyIdToken(tokens.body.id_token as string, client.clientId)).sub).toBe(user.id);
  });

  it("prompt=login shows the sign-in form to a signed-in person and needs a new sign-in", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const { b, verifier } = await start(client, { prompt: "login" }, admin);
    expect((await b.get("/")).status).toBe(200);
    advance(1_000);
    const login = await b.post("/login", { email: org.admin.email, password: PASSWORD }, "/");
    expect(login.headers.get("location")).toBe("/oauth/authorize/continue");
    const code = (await backTo(await b.get("/oauth/authorize/continue"))).searchParams.get("code");
    const id = await verifyIdToken((await redeem(client, code as string, verifier)).body.id_token as string, client.clientId);
    expect((id.auth_time as number) * 1000).toBeGreaterThanOrEqual(Date.now() - 1000);
  });

  it("max_age=0 (as prompt=login) and a short max_age are met by the sign-in made for the request, however long it took to come back", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    for (const [maxAge, took] of [
      ["0", 1_000],
      ["3", 4_000],
    ] as const) {
      advance(5_000);
      const { b, verifier } = await start(client, { max_age: maxAge }, admin);
      advance(1_000);
      const login = await b.post("/login", { email: org.admin.email, password: PASSWORD }, "/");
      expect(login.headers.get("location")).toBe("/oauth/authorize/continue");
      // The browser follows on a moment later (or, for a slower one, seconds later).
      advance(took);
      const url = await backTo(await b.get("/oauth/authorize/continue"));
      expect([maxAge, url.searchParams.get("error")]).toEqual([maxAge, null]);
      const id = await verifyIdToken(
        (await redeem(client, url.searchParams.get("code") as string, verifier)).body.id_token as string,
        client.clientId,
      );
      expect((id.auth_time as number) * 1000).toBeGreaterThanOrEqual(Date.now() - took);
    }
  });

  it("acr_values=mfa makes a user without a second factor enroll before going back, with amr mfa", async () => {
    const org = await createOrg();
    const admin = await signIn(org.admin.email);
    const client = await orgClient(admin);
    const { b, verifier } = await start(client, { acr_values: "mfa" });
    const login = await b.post("/login", { email: org.admin.email, password: PASSWORD }, "/");
    expect(login.headers.get("location")).toBe("/login/enroll");
    // The application asks, not the organization (which does not require 2FA); a passkey may do instead of an app.
    const enrollPage = await (await b.get("/login/enroll")).text();
    // An org's application: whose it is is said, as on the sign-in page (its name is the org's to choose).
    expect(enrollPage).toContain(`Dashboard, an application of the organization “${org.slug}”, requires two-factor authentication.`);
    expect(enrollPage).not.toContain("Your organization requires");
    expect(enrollPage).toContain('<a href="/login/enroll/passkey?choice=1">Use a passkey instead</a>');
    const confirmed = await b.post("/login/enroll", (page) => {
      const otpauth = /name="otpauth" value="([^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, "&") ?? "";
      return { code: codeFor(new URL(otpauth).searchParams.get("secret") as string), otpauth };
    });
    expect(await confirmed.text()).toContain("/oauth/authorize/continue");
    const code = (await backTo(await b.get("/oauth/authorize/continue"))).searchParams.get("code");
    const id = await verifyIdToken((await redeem(client, code as string, verifier)).body.id_token as string, client.clientId);
    expect(id.amr).toEqual(["pwd", "otp", "mfa"]);
  });

  it("an org client sends another org's user back with access_denied after they sign in", async () => {
    const org = await createOrg();
    const client = await orgClient(await signIn(org.admin.email));
    const other = await createOrg();
    const { b } = await start(client);
    await b.post("/login", { email: other.admin.email, password: PASSWORD }, "/");
    const url = await backTo(await b.get("/oauth/authorize/continue"));
    expect(url.searchParams.get("error")).toBe("access_denied");
    expect(url.searchParams.get("code")).toBeNull();
  });
});
