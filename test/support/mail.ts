// Mail helpers for tests: read an org's outbox, swap its transport (an outage, or one that records), and run
// its alarm. The transport is swapped on the real object (runInDurableObject), no binding is mocked.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { OutgoingMail } from "../../src/mail/mime";
import type { MailTransport } from "../../src/mail/transport";
import { call } from "./api";

export function orgObject(slug: string) {
  return env.ORG.getByName(slug);
}

export function outbox(slug: string) {
  return orgObject(slug).mailOutbox();
}

/** A transport that fails the next `failures` sends, then records what it sends. */
export function flakyTransport(failures = 0): MailTransport & { sent: OutgoingMail[]; calls: number } {
  const t = {
    sent: [] as OutgoingMail[],
    calls: 0,
    async send(mail: OutgoingMail) {
      t.calls++;
      if (t.calls <= failures) throw new Error("mail provider unavailable (503)");
      t.sent.push(mail);
    },
  };
  return t;
}

export async function useTransport(slug: string, transport: MailTransport): Promise<void> {
  await runInDurableObject(orgObject(slug), (o) => {
    o.useMailTransport(transport);
  });
}

/** Runs the org's alarm now (mail due now is sent); false when no alarm was set. */
export function runAlarm(slug: string): Promise<boolean> {
  return runDurableObjectAlarm(orgObject(slug));
}

/** The pairing URL in a sent email's text. */
export function linkIn(mail: OutgoingMail): string {
  const m = /https?:\/\/\S+\/pair\/\S+/.exec(mail.text);
  if (!m) throw new Error(`no pairing link in: ${mail.text}`);
  return m[0];
}

/** Has an admin mail the user a pairing link, sends it, and returns the token, as the mail's reader sees it. */
export async function mailedPairingToken(slug: string, adminCookie: string, userId: string): Promise<string> {
  const transport = flakyTransport(0);
  await useTransport(slug, transport);
  const asked = await call(`/api/org/users/${userId}/2fa/pairing-link`, { method: "POST", cookie: adminCookie });
  if (asked.status !== 202) throw new Error(`pairing link: ${asked.status}`);
  await runAlarm(slug);
  const mail = transport.sent.at(-1);
  if (!mail) throw new Error("no pairing mail sent");
  return linkIn(mail).split("/pair/")[1] as string;
}

/**
 * Sets aside the verification links mailed to users made with a password (covered by test/people), so a test about
 * other mail sees only its own: they stay in the outbox, never due.
 */
export async function setAsideVerificationMail(slug: string): Promise<void> {
  await runInDurableObject(orgObject(slug), (_o, state) => {
    state.storage.sql.exec("UPDATE outbox SET next_attempt_at = NULL WHERE kind = 'email.verify'");
  });
}
