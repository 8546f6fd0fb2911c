// A form's own address stays in the address bar after it posts (/login after a wrong password); opening it again
// (a reload, a new tab) takes the person to the page above it, never to a JSON 405.
import { describe, expect, it } from "vitest";
import app from "../../src/index";
import { call, createOrg, signIn } from "../support/api";

const BROWSER = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };

/** Page addresses that only take a POST (forms), read from the app itself. */
function formOnlyAddresses(): string[] {
  const methods = new Map<string, Set<string>>();
  for (const r of app.routes) {
    if (/^\/(api|auth|oauth|dev)(\/|$)/.test(r.path) || r.path.includes("*") || r.method === "ALL") continue;
    methods.set(r.path, (methods.get(r.path) ?? new Set()).add(r.method));
  }
  return [...methods].filter(([, m]) => m.has("POST") && !m.has("GET")).map(([path]) => path);
}

describe("opening a form's address in a browser", () => {
  it("goes to the sign-in page from the sign-in forms' addresses", async () => {
    for (const path of ["/login", "/logout"]) {
      const res = await call(path, { headers: BROWSER });
      expect([res.status, res.headers.get("location")], path).toEqual([303, "/"]);
    }
  });

  it("goes to the Account page from its forms' addresses, which then shows", async () => {
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    for (const path of [
      "/account/2fa/setup",
      "/account/2fa/confirm",
      "/account/2fa/recovery-codes",
      "/account/2fa/disable",
      "/account/passkeys",
    ]) {
      const res = await call(path, { headers: BROWSER, cookie });
      expect([res.status, res.headers.get("location")], path).toEqual([303, "/account"]);
    }
    const account = await call("/account", { headers: BROWSER, cookie });
    expect(account.status).toBe(200);
    expect(account.headers.get("content-type")).toContain("text/html");
  });

  it("sends every form-only address to a page that answers a GET", async () => {
    const addresses = formOnlyAddresses();
    expect(addresses).toContain("/login");
    for (const template of addresses) {
      const res = await call(template.replace(/:(\w+)/g, "x"), { headers: BROWSER });
      expect(res.status, template).toBe(303);
      const target = res.headers.get("location") ?? "";
      const answersGet = app.routes.some(
        (r) => r.method === "GET" && new RegExp(`^${r.path.replace(/:\w+/g, "[^/]+").replace(/\/$/, "")}/?$`).test(target),
      );
      expect(answersGet, `${template} -> ${target}`).toBe(true);
    }
  });

  it("still answers 405 with Allow to a client that is not a browser", async () => {
    const res = await call("/login");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});
