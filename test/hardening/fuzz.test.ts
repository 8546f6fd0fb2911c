// Property-based bad input over every JSON endpoint: wrong types, missing and extra fields, huge and empty
// strings, odd Unicode, numbers as strings, nested junk, wrong content types, malformed cookies and
// Authorization headers. Every answer must be a 4xx in docs/api.md's error shape (never a 5xx or a stack trace),
// and a 400 must leave storage exactly as it was.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addUser, call, callJson, createOrg, signIn } from "../support/api";
import { useTestClock } from "../support/clock";
import { snapshot } from "../support/storage";
import { enrolledTechnician } from "../support/flows";
import { mailedPairingToken } from "../support/mail";
import { TEST_SECRETS } from "../support/secrets";

useTestClock();

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
let cases = 0;

const ENDPOINTS: [string, string, "none" | "admin" | "user" | "platform"][] = [
  ["POST", "/api/platform/orgs", "platform"],
  ["POST", "/api/platform/orgs/{slug}/users/{id}/2fa/reset", "platform"],
  // {victim}: an org of its own, since a well-formed call deletes it (later calls then meet a deleted slug).
  ["GET", "/api/platform/orgs/{victim}", "platform"],
  ["DELETE", "/api/platform/orgs/{victim}", "platform"],
  ["GET", "/api/org/mail", "admin"],
  ["POST", "/auth/login", "none"],
  ["POST", "/auth/login/2fa", "none"],
  ["POST", "/auth/login/recovery", "none"],
  ["POST", "/auth/login/enroll", "none"],
  ["POST", "/auth/login/enroll/confirm", "none"],
  ["POST", "/auth/logout", "none"],
  ["POST", "/api/me/2fa/setup", "user"],
  ["POST", "/api/me/2fa/confirm", "user"],
  ["POST", "/api/me/2fa/recovery-codes", "user"],
  ["POST", "/api/me/2fa/disable", "user"],
  ["PATCH", "/api/org/settings", "admin"],
  ["POST", "/api/org/users", "admin"],
  ["PATCH", "/api/org/users/{id}", "admin"],
  ["POST", "/api/org/users/{id}/2fa/reset", "admin"],
  ["POST", "/api/org/users/{id}/unlock", "admin"],
  ["DELETE", "/api/org/users/{id}", "admin"],
  ["POST", "/api/org/users/{id}/sessions/revoke", "admin"],
  ["GET", "/api/me/sessions", "user"],
  ["DELETE", "/api/me/sessions/{id}", "user"],
  ["POST", "/api/me/sessions/revoke-others", "user"],
  ["DELETE", "/api/platform/orgs/{slug}/users/{id}", "platform"],
  ["POST", "/api/org/api-keys", "admin"],
  ["DELETE", "/api/org/api-keys/{id}", "admin"],
  ["GET", "/api/org/audit", "admin"],
  ["GET", "/api/org/compliance", "admin"],
  ["POST", "/api/me/password", "user"],
  ["POST", "/api/me/2fa/pairing-link", "user"],
  ["POST", "/api/org/users/{id}/2fa/pairing-link", "admin"],
  ["POST", "/api/pairing-link", "none"],
  ["POST", "/api/pair/{id}/setup", "none"],
  ["POST", "/api/pair/{id}/confirm", "none"],
  // A live link (with credentials on): the junk reaches the password check and the link's confirm step.
  ["POST", "/api/pair/{link}/setup", "none"],
  ["POST", "/api/pair/{link}/confirm", "none"],
  ["POST", "/api/org/invites", "admin"],
  ["GET", "/api/org/invites", "admin"],
  ["POST", "/api/org/invites/{id}/resend", "admin"],
  ["DELETE", "/api/org/invites/{id}", "admin"],
  ["POST", "/api/invites/accept", "none"],
  ["POST", "/api/me/email", "user"],
  ["POST", "/api/email/confirm", "none"],
];

const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: "grapheme", maxLength: 50 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\uFEFF",
    "\uD800",
    "💥".repeat(100),
    "a".repeat(5000),
    "<script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "__proto__",
  ),
);
const junk = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    oddString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(oddString, tie("value"), { maxKeys: 4 }),
  ),
})).value;
const fieldNames = fc.constantFrom(
  "email",
  "password",
  "org",
  "challenge",
  "code",
  "slug",
  "name",
  "admin",
  "role",
  "require2fa",
  "totpPeriod",
  "jurisdiction",
  "token",
  "locale",
  "__proto__",
  "constructor",
);
const body = fc.oneof(
  junk,
  fc.dictionary(fieldNames, junk, { maxKeys: 6 }),
  fc.record(
    { email: junk, password: junk, role: junk, code: junk, challenge: junk, totpPeriod: junk, require2fa: junk },
    { requiredKeys: [] },
  ),
);
const rawBody = fc.oneof(
  body.map((b) => JSON.stringify(b) ?? "null"),
  fc.constantFrom("{", "[]", "null", '{"email":', "\u0000", "x=1&y=2", '{"a":'.repeat(500)),
);
const contentType = fc.constantFrom(
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
  "",
);
const badCookie = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    "__Host-session=",
    "__Host-session=gs.x.-.y",
    "__Host-session=%ZZ",
    "session=a;session=b",
    "__Host-session=gs.org-aaaa.eu.AAAAAAAAAAAAAAAAAAAAAAAAAAAA",
  ),
  oddString.map((s) => `__Host-session=${pathPart(s)}`),
);
const badAuth = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    "Bearer",
    "Bearer ",
    "Basic Zm9vOmJhcg==",
    "bearer x",
    `Bearer ${"a".repeat(600)}`,
    "Bearer gk.x.-.y",
    "Bearer gk.org-aaaa.zz.AAAAAAAAAAAAAAAAAAAAAAAA",
  ),
  oddString.map((s) => `Bearer ${s.replace(/[^\x20-\x7e]/g, "")}`),
);

/** encodeURIComponent throws on a lone surrogate; such input still makes a (different) odd path. */
function pathPart(s: string): string {
  try {
    return encodeURIComponent(s).slice(0, 100) || "x";
  } catch {
    return "%ED%A0%80";
  }
}

describe("bad input never breaks the service", () => {
  it("answers every fuzzed request with a 4xx in the error shape, and a 400 changes nothing", async () => {
    const u = await enrolledTechnician();
    const keyRes = await callJson<{ key: string; id: string }>("/api/org/api-keys", {
      cookie: u.adminCookie,
      body: { name: "fuzz", role: "admin" },
    });
    const link = await mailedPairingToken(u.org.slug, u.adminCookie, (await addUser(u.adminCookie)).id);
    const victim = await createOrg();
    const credentials = {
      admin: { cookie: u.adminCookie },
      user: { cookie: u.cookie },
      platform: { bearer: TEST_SECRETS.PLATFORM_TOKEN },
      none: {},
    };

    for (const [method, template, who] of ENDPOINTS) {
      await fc.assert(
        fc.asyncProperty(
          rawBody,
          contentType,
          fc.boolean(),
          badCookie,
          badAuth,
          oddString,
          async (raw, type, useCredentials, cookie, auth, idPart) => {
            cases++;
            const path = template
              .replace("{slug}", useCredentials ? u.org.slug : pathPart(idPart))
              .replace("{id}", pathPart(idPart))
              .replace("{link}", useCredentials ? link : pathPart(idPart))
              .replace("{victim}", useCredentials ? victim.slug : pathPart(idPart));
            const before = await snapshot(u.org.slug);
            const headers: Record<string, string> = type ? { "content-type": type } : {};
            // Junk bearers count as guesses at the platform token; they come from the fuzzer's own network, so
            // its lockout (a 429 in the error shape) does not lock out the other tests' operator calls.
            if (!useCredentials && auth) Object.assign(headers, { authorization: auth, "cf-connecting-ip": "198.51.100.66" });
            const opts = useCredentials ? { ...credentials[who], headers } : { cookie, headers };
            const res = await call(method === "GET" ? `${path}?limit=${pathPart(idPart)}` : path, {
              method,
              ...opts,
              ...(method === "GET" ? {} : { body: raw }),
            });
            const text = await res.text();
            expect(res.status, `${method} ${path} -> ${res.status} ${text}`).toBeLessThan(500);
            if (res.status < 300) return; // junk that was still valid (e.g. 202 for a pairing-link request)
            expect(res.status).toBeGreaterThanOrEqual(400);
            const parsed = JSON.parse(text) as { error: { code: string; message: string } };
            expect(Object.keys(parsed)).toEqual(["error"]);
            expect(parsed.error.code).toMatch(/^[a-z_]+$/);
            expect(typeof parsed.error.message).toBe("string");
            expect(text).not.toMatch(/\bat \S+ \(|\.ts:\d+/);
            if (res.status === 400) expect(await snapshot(u.org.slug)).toBe(before);
          },
        ),
        { numRuns: RUNS },
      );
    }
    // An oversized body of any shape is refused before it is read whole.
    const huge = await call("/api/org/users", {
      cookie: u.adminCookie,
      body: "x".repeat(200 * 1024),
      headers: { "content-type": "application/json" },
    });
    expect(huge.status).toBe(413);
    cases++;
    expect(keyRes.status).toBe(201);
    console.log(`fuzz: ${cases} cases run over ${ENDPOINTS.length} endpoints, no 5xx`);
  }, 300_000);

  it("sends odd passwords through a live link's setup: 401, then 429 once locked, never a 5xx or a setup", async () => {
    const u = await enrolledTechnician();
    const link = await mailedPairingToken(u.org.slug, u.adminCookie, (await addUser(u.adminCookie)).id);
    let reached = 0;
    await fc.assert(
      fc.asyncProperty(oddString, async (password) => {
        const res = await callJson<{ error?: { code: string }; secret?: string }>(`/api/pair/${link}/setup`, { body: { password } });
        expect(res.status, `${JSON.stringify(password.slice(0, 40))} -> ${res.status}`).toBeLessThan(500);
        expect(res.body.secret).toBeUndefined();
        if (password === "") expect(res.body.error?.code).toBe("invalid_request");
        else if (res.status !== 400) {
          reached++;
          expect(["invalid_credentials", "too_many_attempts"]).toContain(res.body.error?.code);
        }
      }),
      { numRuns: RUNS },
    );
    expect(reached).toBeGreaterThan(0);
  });

  it("answers a login form post with a clear error instead of guessing", async () => {
    const org = await createOrg();
    await signIn(org.admin.email);
    const r = await callJson<{ error: { code: string } }>("/auth/login", {
      body: "email=a&password=b",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    // docs/api.md v2: a JSON route answers another content type with 415, never by reading the body as {}.
    expect(r.status).toBe(415);
    expect(r.body.error.code).toBe("unsupported_media_type");
  });
});
