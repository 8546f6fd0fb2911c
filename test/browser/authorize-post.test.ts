// POST /oauth/authorize and POST /oauth/logout in real Chromium: an application's page on another site posts the
// authorization request (OIDC Core 3.1.2.1), then the sign-out request (RP-Initiated Logout 1.0 section 2), as forms.
// Gatehouse answers each with a 303 to the equal GET, where the browser sends the SameSite=Lax session cookie (a
// top-level GET): the person comes back to the application with a code that redeems, then signed out. The
// application's site is played by Playwright's request routing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capture, createOrg, type Harness, newProfile, PASSWORD, startHarness } from "./support/harness";

const run = crypto.randomUUID().slice(0, 6);
const ADA = `ada-${run}@example.com`;
const APP = "https://app.example.com";

let h: Harness;

beforeAll(async () => {
  h = await startHarness("authorize-post");
  await createOrg(h, `post-${run}`, ADA);
  console.log(`screenshots: ${h.screenshots}`);
});

afterAll(async () => {
  await h?.stop();
});

function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/** Ada signed in on Gatehouse's page in a new browser profile, and an application of her org registered. */
async function signedInWithClient(name: string) {
  const profile = await newProfile(h, "en-US");
  const { page } = profile;
  await page.goto("/");
  await page.getByLabel("Email", { exact: true }).fill(ADA);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/account");
  const registered = await page.request.post("/api/org/oidc-clients", {
    data: { name, type: "confidential", redirectUris: [`${APP}/callback`], postLogoutRedirectUris: [`${APP}/bye`] },
  });
  expect(registered.status()).toBe(201);
  return { ...profile, ...((await registered.json()) as { clientId: string; clientSecret: string }) };
}

describe("POST /oauth/authorize in Chromium", () => {
  it("takes an application's cross-site form posts: a code for the signed-in person, then a sign-out", async () => {
    const { context, page, cspErrors, clientId, clientSecret } = await signedInWithClient("Posting app");

    const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
    const challenge = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
    const fields = {
      response_type: "code",
      client_id: clientId,
      redirect_uri: `${APP}/callback`,
      scope: "openid email",
      state: "st-post",
      nonce: "n-post",
      code_challenge: challenge,
      code_challenge_method: "S256",
    };
    const hidden = (values: Record<string, string>) =>
      Object.entries(values)
        .map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`)
        .join("");
    const inputs = hidden(fields);
    /** The sign-out form, once the application holds an ID token. */
    let logoutInputs = "";
    await context.route(`${APP}/**`, (route) => {
      const url = new URL(route.request().url());
      const body =
        url.pathname === "/start"
          ? `<!doctype html><title>App</title><form method="post" action="${h.url}/oauth/authorize">${inputs}<button>Sign in with Gatehouse</button></form>`
          : url.pathname === "/leave"
            ? `<!doctype html><title>App</title><form method="post" action="${h.url}/oauth/logout">${logoutInputs}<button>Sign out</button></form>`
            : "<!doctype html><title>Back in the app</title><p>callback</p>";
      return route.fulfill({ status: 200, contentType: "text/html", body });
    });

    await page.goto(`${APP}/start`);
    await page.getByRole("button", { name: "Sign in with Gatehouse" }).click();
    await page.waitForURL(`${APP}/callback?**`);
    const back = new URL(page.url()).searchParams;
    expect(back.get("state")).toBe("st-post");
    expect(back.get("iss")).toBe(h.url);
    const code = back.get("code") ?? "";
    expect(code).toMatch(/^oa\./);
    await capture(page, "back-in-the-app");

    const token = await fetch(`${h.url}/oauth/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`)}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: `${APP}/callback`, code_verifier: verifier }),
    });
    expect(token.status).toBe(200);
    const idToken = ((await token.json()) as { id_token?: string }).id_token ?? "";
    expect(idToken).toBeTruthy();
    expect((await page.request.get("/api/me")).status()).toBe(200);

    logoutInputs = hidden({ id_token_hint: idToken, post_logout_redirect_uri: `${APP}/bye`, state: "st-bye" });
    await page.goto(`${APP}/leave`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${APP}/bye?**`);
    expect(new URL(page.url()).searchParams.get("state")).toBe("st-bye");
    // Signed out of Gatehouse: the session the browser held is dead.
    expect((await page.request.get("/api/me")).status()).toBe(401);
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("asks before a sign-out link without an ID token ends the session, and the answer returns to the application", async () => {
    const { context, page, cspErrors, clientId } = await signedInWithClient("Linking app");
    const link = `${h.url}/oauth/logout?${new URLSearchParams({ client_id: clientId, post_logout_redirect_uri: `${APP}/bye`, state: "st-ask" })}`;
    await context.route(`${APP}/**`, (route) =>
      route.fulfill({
        status: 200,
        contentType: "text/html",
        body:
          new URL(route.request().url()).pathname === "/leave"
            ? `<!doctype html><title>App</title><a href="${link}">Sign out</a>`
            : "<!doctype html><title>Bye</title>",
      }),
    );

    await page.goto(`${APP}/leave`);
    await page.getByRole("link", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign out of Gatehouse?" }).waitFor();
    await page.getByText("Linking app asked to sign you out of Gatehouse.").waitFor();
    await capture(page, "sign-out-question");
    // Nothing has ended yet.
    expect((await page.request.get("/api/me")).status()).toBe(200);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${APP}/bye?**`);
    expect(new URL(page.url()).searchParams.get("state")).toBe("st-ask");
    expect((await page.request.get("/api/me")).status()).toBe(401);
    expect(cspErrors).toEqual([]);
    await context.close();
  });
});
