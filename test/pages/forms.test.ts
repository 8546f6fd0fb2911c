// The pages' form handling inside workerd: the CSRF token is required, and every redirect stays on our site
// whatever the request carries (no open redirect through next/return parameters).
import { describe, expect, it } from "vitest";
import { BASE, call, createOrg, PASSWORD } from "../support/api";

async function signInPage(query = "") {
  const res = await call(`/${query}`, { headers: { accept: "text/html" } });
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const cookies = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { res, html, token, cookies };
}

function form(fields: Record<string, string>) {
  return new URLSearchParams(fields).toString();
}

describe("page forms", () => {
  it("refuse a post without the CSRF token, even from our own origin", async () => {
    const org = await createOrg();
    const { cookies } = await signInPage();
    const res = await call("/login", {
      body: form({ email: org.admin.email, password: PASSWORD }),
      cookie: cookies,
      headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
    });
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie().some((c) => /session=gs\./.test(c))).toBe(false);
  });

  it("sign in with the token and redirect only to a fixed local page, ignoring next/return parameters", async () => {
    const org = await createOrg();
    for (const query of ["?next=https://evil.example/", "?return=//evil.example", "?redirect=https:%2F%2Fevil.example"]) {
      const { html, token, cookies } = await signInPage(query);
      expect(html).not.toContain("evil.example");
      const res = await call(`/login${query}`, {
        body: form({ email: org.admin.email, password: PASSWORD, _csrf: token ?? "", next: "https://evil.example/" }),
        cookie: cookies,
        headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
      });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/account");
    }
  });
});
