// Property-based bad input over every form the pages post, with a valid session and form token so the junk
// reaches the handlers: every answer is a page or a redirect, never a 5xx or a stack trace, and an answer
// that refuses the input (400) leaves storage exactly as it was.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addUser, BASE, call } from "../support/api";
import { useTestClock } from "../support/clock";
import { snapshot } from "../support/storage";
import { enrolledTechnician } from "../support/flows";
import { mailedPairingToken } from "../support/mail";

useTestClock();

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

const FORMS: [string, "user" | "admin" | "none"][] = [
  ["/login", "none"],
  ["/login/2fa", "none"],
  ["/login/recovery", "none"],
  ["/login/enroll", "none"],
  ["/account/2fa/setup", "user"],
  ["/account/2fa/confirm", "user"],
  ["/account/2fa/recovery-codes", "user"],
  ["/account/2fa/disable", "user"],
  ["/account/password", "user"],
  ["/users", "admin"],
  ["/users/{id}/reset-2fa", "admin"],
  ["/users/{id}/unlock", "admin"],
  ["/users/{id}/deactivate", "admin"],
  ["/users/{id}/reactivate", "admin"],
  ["/users/{id}/remove", "admin"],
  ["/users/{id}/sign-out", "admin"],
  ["/users/{id}/make-admin", "admin"],
  ["/users/{id}/make-technician", "admin"],
  ["/account/sessions/{id}/revoke", "user"],
  ["/account/sessions/revoke-others", "user"],
  ["/settings", "admin"],
  ["/api-keys", "admin"],
  ["/api-keys/{id}/revoke", "admin"],
  ["/applications", "admin"],
  ["/applications/{id}/revoke", "admin"],
  ["/users/invites", "admin"],
  ["/users/invites/{id}/resend", "admin"],
  ["/users/invites/{id}/revoke", "admin"],
  ["/account/email", "user"],
  ["/invite/{id}", "none"],
  ["/email-link/{id}", "none"],
  ["/pair/{id}", "none"],
  ["/pair/{id}/confirm", "none"],
  // A live link: the junk reaches the password check (an empty one is refused before it, changing nothing).
  ["/pair/{link}", "none"],
  ["/pair/{link}/confirm", "none"],
];

const value = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    "",
    "on",
    "off",
    "30",
    "60",
    "45",
    "admin",
    "boss",
    "\u0000",
    "a".repeat(3000),
    "<img src=x onerror=alert(1)>",
    "' OR 1=1 --",
    "public",
    "confidential",
    "https://app.example.com/cb",
    "http://localhost:8080/cb\nhttps://ok.example/cb",
  ),
);
const fields = fc.dictionary(
  fc.constantFrom(
    "email",
    "password",
    "org",
    "code",
    "name",
    "role",
    "require2fa",
    "totpPeriod",
    "currentPassword",
    "newPassword",
    "locale",
    "id",
    "type",
    "redirectUris",
    "postLogoutRedirectUris",
    "x",
  ),
  value,
  { maxKeys: 6 },
);

function safeSegment(s: string): string {
  try {
    return encodeURIComponent(s).slice(0, 80) || "x";
  } catch {
    return "x";
  }
}

async function tokenFor(cookie: string | undefined): Promise<{ token: string; cookie: string }> {
  const res = await call(cookie ? "/account" : "/", { cookie, headers: { accept: "text/html" } });
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const set = res.headers.getSetCookie().map((c) => c.split(";")[0]);
  return { token, cookie: [cookie, ...set].filter(Boolean).join("; ") };
}

describe("bad form input never breaks the pages", () => {
  it("answers every fuzzed form post with a page or a redirect, never a 5xx", async () => {
    const u = await enrolledTechnician();
    const link = await mailedPairingToken(u.org.slug, u.adminCookie, (await addUser(u.adminCookie)).id);
    const sessions = { user: await tokenFor(u.cookie), admin: await tokenFor(u.adminCookie), none: await tokenFor(undefined) };
    let cases = 0;
    for (const [template, who] of FORMS) {
      await fc.assert(
        fc.asyncProperty(fields, fc.string(), fc.boolean(), async (form, idPart, withToken) => {
          cases++;
          const path = template.replace("{id}", safeSegment(idPart)).replace("{link}", link);
          const s = sessions[who];
          const body = new URLSearchParams({ ...form, ...(withToken ? { _csrf: s.token } : {}) }).toString();
          const before = await snapshot(u.org.slug);
          const res = await call(path, {
            body,
            cookie: s.cookie,
            headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
          });
          const text = await res.text();
          expect(res.status, `${path} -> ${res.status}`).toBeLessThan(500);
          expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+/);
          if (res.status === 400 || res.status === 403) expect(await snapshot(u.org.slug)).toBe(before);
        }),
        { numRuns: RUNS },
      );
    }
    console.log(`form fuzz: ${cases} cases run over ${FORMS.length} forms, no 5xx`);
  }, 300_000);

  it("answers a broken multipart body on every form with an HTML page saying so, not a 500 or JSON", async () => {
    const u = await enrolledTechnician();
    const sessions = { user: u.cookie, admin: u.adminCookie, none: undefined };
    for (const [template, who] of FORMS) {
      const path = template.replace("{id}", "x").replace("{link}", "x");
      const res = await call(path, {
        body: '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nbroken',
        cookie: sessions[who],
        headers: { "content-type": "multipart/form-data; boundary=x", origin: BASE, accept: "text/html" },
      });
      expect(res.status, path).toBe(400);
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(await res.text(), path).toContain("The form could not be read: nothing was done.");
    }
  });
});
