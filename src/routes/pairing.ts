// Pairing links (JSON): asking for one by email, and enrolling through one on another device. No credentials:
// the link's token is the only one, it only starts enrollment, and no route here ever sets a session cookie.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { emailClaim } from "../flows/directory";
import { confirmPairedEnrollment, sendPairingLink, startPairedEnrollment } from "../flows/pairing";
import * as f from "../http/fields";
import { requestMeta } from "../http/meta";
import { json, validate } from "../http/validate";

const tokenParam = z.object({ token: z.string().min(1).max(200) });
const codeBody = z.object({ code: f.totpCode });
const emailBody = z.object({ email: f.email });

/** Every request for a link by email gets exactly this answer. */
const ACCEPTED = {
  status: "accepted",
  message: "If this address belongs to an account without two-factor authentication, a setup link is on its way.",
};

export const pairingRoutes = new Hono<AppEnv>()
  .post("/pairing-link", json(emailBody), async (c) => {
    const { email } = c.req.valid("json");
    const origin = new URL(c.req.url).origin;
    const meta = requestMeta(c);
    // No enumeration (issue 7, rule 5): the lookup and the send run after the answer, so neither the body, the
    // status nor the timing says whether the email exists or is enrolled.
    const work = async () => {
      const claim = await emailClaim(c.env, email).then((d) => d.lookup());
      if (!claim) return;
      const route = { slug: claim.orgSlug, jurisdiction: claim.jurisdiction };
      await sendPairingLink(c.env, route, claim.userId, origin, { type: "anonymous", label: "pairing link request" }, meta);
    };
    c.executionCtx.waitUntil(work().catch((err) => console.error("pairing link request failed", err instanceof Error ? err.name : "")));
    return c.json(ACCEPTED, 202);
  })
  .post("/pair/:token/setup", validate("param", tokenParam), async (c) => {
    return c.json(await startPairedEnrollment(c.env, c.req.valid("param").token));
  })
  .post("/pair/:token/confirm", validate("param", tokenParam), json(codeBody), async (c) => {
    const codes = await confirmPairedEnrollment(c.env, c.req.valid("param").token, c.req.valid("json").code, requestMeta(c));
    return c.json({ recoveryCodes: codes });
  });
