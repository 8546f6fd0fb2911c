// Pairing links (JSON): the retired anonymous request by email, and enrolling through a link on another device.
// The link's token finds the account and the account's password proves it is theirs; no route here ever sets a
// session cookie.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { confirmPairedEnrollment, startPairedEnrollment } from "../flows/pairing";
import * as f from "../http/fields";
import { requestMeta } from "../http/meta";
import { json, validate } from "../http/validate";

const tokenParam = z.object({ token: z.string().min(1).max(200) });
export const pairConfirmBody = z.object({ code: f.totpCode });
export const pairingLinkBody = z.object({ email: f.email });
/** The account's password, as at sign-in (any length up to the same bound); empty is refused before any check. */
export const pairSetupBody = z.object({ password: z.string().min(1).max(4096) });

/** The only answer to an anonymous request for a link: nothing is sent, and it says where links come from. */
const NOT_SENT = {
  status: "accepted",
  message: "No link was sent. Setup links are sent from the Account page of a signed-in user, or by an admin of your organization.",
};

export const pairingRoutes = new Hono<AppEnv>()
  .post("/pairing-link", json(pairingLinkBody), (c) => {
    // Whoever reads a mailbox is not thereby the account's owner (NIST SP 800-63B 6.1.2.1: binding an
    // authenticator needs prior authentication), so an anonymous request sends nothing: no lookup, no object
    // touched, no mail. The route stays (scripts call it) and the answer is the same for every email.
    return c.json(NOT_SENT, 202);
  })
  .post("/pair/:token/setup", validate("param", tokenParam), json(pairSetupBody), async (c) => {
    const { token } = c.req.valid("param");
    return c.json(await startPairedEnrollment(c.env, token, c.req.valid("json").password, requestMeta(c)));
  })
  .post("/pair/:token/confirm", validate("param", tokenParam), json(pairConfirmBody), async (c) => {
    const codes = await confirmPairedEnrollment(c.env, c.req.valid("param").token, c.req.valid("json").code, requestMeta(c));
    return c.json({ recoveryCodes: codes });
  });
