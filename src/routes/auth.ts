// Web login (docs/api.md, second table): no credentials needed to call.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { signOut } from "../flows/sessions";
import { signInWithPassword, signInWithRecoveryCode, signInWithTotp } from "../flows/sign-in";
import { confirmChallengeEnrollment, startChallengeEnrollment } from "../flows/two-factor";
import { clearSessionCookie, readSessionCookie, setSessionCookie } from "../http/cookies";
import * as f from "../http/fields";
import { requestMeta } from "../http/meta";
import { json } from "../http/validate";

export const loginBody = z.object({
  email: z.string().max(320),
  password: z.string().max(4096),
  org: z.string().max(64).optional(),
});
export const codeBody = z.object({ challenge: f.challenge, code: f.totpCode });
export const recoveryBody = z.object({ challenge: f.challenge, code: f.recoveryCode });
export const enrollBody = z.object({ challenge: f.challenge });

export const authRoutes = new Hono<AppEnv>()
  .post("/login", json(loginBody), async (c) => {
    const result = await signInWithPassword(c.env, c.req.valid("json"), requestMeta(c));
    if (result.status === "authenticated") {
      setSessionCookie(c, result.sessionToken);
      return c.json({ status: "authenticated" });
    }
    if (result.status === "2fa_required") {
      return c.json({ status: result.status, challenge: result.challenge, methods: result.methods ?? ["totp", "recovery_code"] });
    }
    return c.json({ status: result.status, challenge: result.challenge });
  })
  .post("/login/2fa", json(codeBody), async (c) => {
    const result = await signInWithTotp(c.env, c.req.valid("json"), requestMeta(c));
    // Phishing-resistant sign-in required and no passkey yet: the code leads to enrolling one (/auth/login/enroll/passkey).
    if (result.status !== "authenticated") return c.json({ status: result.status, challenge: result.challenge, methods: result.methods });
    setSessionCookie(c, result.sessionToken);
    return c.json({ status: "authenticated" });
  })
  .post("/login/recovery", json(recoveryBody), async (c) => {
    const result = await signInWithRecoveryCode(c.env, c.req.valid("json"), requestMeta(c));
    if (result.status !== "authenticated") return c.json({ status: result.status, challenge: result.challenge, methods: result.methods });
    setSessionCookie(c, result.sessionToken);
    return c.json({ status: "authenticated", recoveryCodesRemaining: result.recoveryCodesRemaining });
  })
  .post("/login/enroll", json(enrollBody), async (c) => {
    return c.json(await startChallengeEnrollment(c.env, c.req.valid("json").challenge));
  })
  .post("/login/enroll/confirm", json(codeBody), async (c) => {
    const { challenge, code } = c.req.valid("json");
    const result = await confirmChallengeEnrollment(c.env, challenge, code, requestMeta(c));
    setSessionCookie(c, result.sessionToken);
    return c.json({ status: "authenticated", recoveryCodes: result.recoveryCodes });
  })
  .post("/logout", async (c) => {
    await signOut(c.env, readSessionCookie(c), requestMeta(c));
    clearSessionCookie(c);
    return c.body(null, 204);
  });
