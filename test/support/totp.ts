// TOTP helpers for tests: codes computed with otpauth, independently of the server's code path.
import { TOTP } from "otpauth";
import { callJson, sessionCookieFrom } from "./api";

export function codeFor(secret: string, atMs = Date.now(), period = 30): string {
  return TOTP.generate({ secret: TOTP_SECRET(secret), algorithm: "SHA1", digits: 6, period, timestamp: atMs });
}

function TOTP_SECRET(base32: string) {
  return new TOTP({ secret: base32 }).secret;
}

export interface Enrollment {
  secret: string;
  otpauthUri: string;
  qrSvg: string;
  period: number;
  recoveryCodes: string[];
  /** The session cookie after enrolling: its value changes when 2FA is turned on (docs/api.md). */
  cookie: string;
}

/** Enrolls the signed-in user with the current code; the next sign-in needs a later step's code. Use the returned cookie. */
export async function enroll(cookie: string): Promise<Enrollment> {
  const setup = await callJson<{ secret: string; otpauthUri: string; qrSvg: string; period: number }>("/api/me/2fa/setup", {
    method: "POST",
    cookie,
  });
  if (setup.status !== 200) throw new Error(`setup: ${setup.status} ${JSON.stringify(setup.body)}`);
  const confirm = await callJson<{ recoveryCodes: string[] }>("/api/me/2fa/confirm", {
    cookie,
    body: { code: codeFor(setup.body.secret, Date.now(), setup.body.period) },
  });
  if (confirm.status !== 200) throw new Error(`confirm: ${confirm.status} ${JSON.stringify(confirm.body)}`);
  const next = sessionCookieFrom(confirm.res);
  if (!next || next === cookie) throw new Error("confirm: the session cookie did not change");
  return { ...setup.body, recoveryCodes: confirm.body.recoveryCodes, cookie: next };
}
