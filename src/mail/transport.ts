// How mail leaves: one small interface and its implementations. Production uses Cloudflare's send_email
// binding (Email Workers / Email Service) named MAILER, with a MIME message built by mime.ts. DEV_MODE=true
// without a binding "delivers" into the org object's dev_outbox table, read at /dev/outbox. With neither, the
// messages stay queued (and retried) rather than being dropped: configuring MAILER later sends them.
import { EmailMessage } from "cloudflare:email";
import { isDevMode } from "../config";
import type { Env } from "../env";
import { type OutgoingMail, toMime } from "./mime";

export interface MailTransport {
  /** Resolves once the provider has accepted the message; throws otherwise. */
  send(mail: OutgoingMail): Promise<void>;
}

/** The sender address; set MAIL_FROM to an address of a domain that has Email Routing / Email Service. */
export const DEFAULT_MAIL_FROM = "no-reply@gatehouse.invalid";

export function emailBindingTransport(binding: SendEmail): MailTransport {
  return {
    async send(mail) {
      await binding.send(new EmailMessage(mail.from, mail.to, toMime(mail)));
    },
  };
}

/** Development only: the message lands in this org's dev_outbox, as text, HTML and raw MIME. */
export function devOutboxTransport(sql: SqlStorage, now: () => number): MailTransport {
  return {
    async send(mail) {
      sql.exec(
        "INSERT INTO dev_outbox (outbox_id, recipient, subject, text, html, mime, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        mail.outboxId,
        mail.to,
        mail.subject,
        mail.text,
        mail.html,
        toMime(mail),
        now(),
      );
    },
  };
}

const unconfigured: MailTransport = {
  async send() {
    throw new Error("no mail transport configured (add the MAILER send_email binding)");
  },
};

export function chooseTransport(env: Env, sql: SqlStorage, now: () => number): MailTransport {
  if (env.MAILER) return emailBindingTransport(env.MAILER);
  if (isDevMode(env)) return devOutboxTransport(sql, now);
  return unconfigured;
}
