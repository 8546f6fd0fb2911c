// GET /healthz: {ok: true}, or 503 {ok: false, problems} saying plainly which part of the deployment is not
// configured (config.ts, and the mail transport), so a silent failure shows up in a monitor instead of a mailbox.
import { Hono } from "hono";
import { config, configProblems } from "../config";
import type { AppEnv, Env } from "../env";
import { HEALTH_PATH } from "../http/configured";
import { DEFAULT_MAIL_FROM } from "../mail/transport";

/** Everything that keeps the deployment from working as documented; empty when all is well. */
export function deploymentProblems(env: Env): string[] {
  const problems = [...configProblems(env)];
  if (problems.length > 0) return problems;
  if (env.TEST_SEAMS === "true") {
    problems.push("TEST_SEAMS: the org objects' test seams are open (mail transport swap); never set TEST_SEAMS outside tests");
  }
  const realTransport = !!env.MAILER || config(env).mailApi !== null;
  if (!realTransport) {
    if (!config(env).devMode) {
      problems.push(
        "MAILER: no mail transport is configured, so mail (security notices, pairing links) never leaves and waits in each org's outbox; set the MAIL_API_KEY secret (an HTTPS mail API) or add the [[send_email]] binding named MAILER to wrangler.toml",
      );
    }
  } else if (config(env).devMode) {
    problems.push(
      "DEV_MODE: development mode is on beside a real mail transport (MAIL_API_KEY or MAILER): /dev/outbox is served and test mail reaches real people; set DEV_MODE to false in production",
    );
  } else if ((env.MAIL_FROM || DEFAULT_MAIL_FROM).toLowerCase().endsWith(".invalid")) {
    problems.push(
      "MAIL_FROM: the sender is on the reserved .invalid domain, so the mail provider refuses every message; set MAIL_FROM to an address of a domain verified with the mail API's provider (MAIL_API_KEY) or onboarded to Email Routing / Email Service (MAILER)",
    );
  }
  return problems;
}

export const healthRoutes = new Hono<AppEnv>().get(HEALTH_PATH, (c) => {
  const problems = deploymentProblems(c.env);
  return problems.length > 0 ? c.json({ ok: false, problems }, 503) : c.json({ ok: true });
});
