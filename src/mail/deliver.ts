// Sends what is due from the outbox, from the org object's alarm. Each row is marked in storage right after the
// provider accepts it, so a message is sent once per success. If the object dies between the provider's "ok"
// and that write, the row is still due and is sent again once: at-least-once delivery, the honest best without
// an idempotency key (the stable Message-ID lets a mail client or provider spot the duplicate).
import { MAIL_BATCH } from "../constants";
import { open } from "../crypto/secret-box";
import type { Env } from "../env";
import { dueMail, markAttemptFailed, markExpired, markRejected, markSent, type OutboxRow } from "../org/outbox";
import { MailRejected } from "./http-api";
import { fillLink } from "./messages";
import type { MailTransport } from "./transport";
import { DEFAULT_MAIL_FROM } from "./transport";

/** The sealed pairing URL is bound to its user, so a link cannot be moved into another user's message. */
export function linkBinding(userId: string): string {
  return `pairing-link:${userId}`;
}

async function bodyOf(env: Env, row: OutboxRow): Promise<{ text: string; html: string; url: string | null }> {
  const body = { text: row.text ?? "", html: row.html ?? "" };
  if (!row.link_key_id || !row.link_ciphertext) return { ...body, url: null };
  const url = await open(env.TOTP_KEYS, { keyId: row.link_key_id, ciphertext: row.link_ciphertext }, linkBinding(row.user_id ?? ""));
  return { ...fillLink(body, url), url };
}

/** What is stored about a failure: the error's message, short, with the link (a secret) cut out. */
function describeFailure(err: unknown, url: string | null): string {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : "send failed";
  return (url ? message.split(url).join("[link]") : message).slice(0, 300);
}

/** Sends up to MAIL_BATCH due rows; never throws, so one bad message cannot stall the alarm. */
export async function deliverDue(env: Env, sql: SqlStorage, transport: MailTransport, org: string, now: () => number): Promise<void> {
  const from = env.MAIL_FROM || DEFAULT_MAIL_FROM;
  for (const row of dueMail(sql, now(), MAIL_BATCH)) {
    if (row.expires_at !== null && row.expires_at <= now()) {
      markExpired(sql, row.id, now());
      continue;
    }
    let url: string | null = null;
    try {
      const body = await bodyOf(env, row);
      url = body.url;
      const messageId = `${org}.${row.id}.${row.created_at}`;
      await transport.send({
        outboxId: row.id,
        messageId,
        from,
        to: row.recipient,
        subject: row.subject,
        text: body.text,
        html: body.html,
      });
    } catch (err) {
      if (err instanceof MailRejected) markRejected(sql, row, describeFailure(err, url), now());
      else markAttemptFailed(sql, row, describeFailure(err, url), now());
      continue;
    }
    markSent(sql, row.id, now());
  }
}
