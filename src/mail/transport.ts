// How mail leaves: one small interface and its implementations. Production uses a transactional mail API over
// HTTPS when MAIL_API_KEY is set (http-api.ts), else Cloudflare's send_email binding named MAILER (verified
// addresses only), with a MIME message built by mime.ts. DEV_MODE=true without either "delivers" into the org
// object's dev_outbox table, read at /dev/outbox. With none, the messages stay queued (and retried) rather
// than being dropped: configuring a transport later sends them.
import { EmailMessage } from "cloudflare:email";
import { config, isDevMode } from "../config";
import type { Env } from "../env";
import { httpApiTransport } from "./http-api";
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
    throw new Error("no mail transport configured (set MAIL_API_KEY, or add the MAILER send_email binding)");
  },
};

export function chooseTransport(env: Env, sql: SqlStorage, now: () => number): MailTransport {
  const api = config(env).mailApi;
  if (api) return httpApiTransport(api);
  if (env.MAILER) return emailBindingTransport(env.MAILER);
  if (isDevMode(env)) return devOutboxTransport(sql, now);
  return unconfigured;
}
