// Development only (DEV_MODE=true): the mail the dev transport "delivered", per org, at /dev/outbox?org=<slug>.
// Anywhere else it does not exist (404), so a deployment can never show anyone's mail.
import { Hono } from "hono";
import { isDevMode } from "../config";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { slugClaim } from "../directory/names";
import { orgStub } from "../org/stub";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Escaped text with its http(s) links made clickable, so a pairing link can be followed from the page. */
function linkify(text: string): string {
  return escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>
<h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

export const devRoutes = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    if (!isDevMode(c.env)) throw new ApiError("not_found", "No such endpoint.");
    await next();
  })
  .get("/outbox", async (c) => {
    const slug = c.req.query("org") ?? "";
    const form = `<form method="get"><label>Org slug <input name="org" value="${escapeHtml(slug)}"></label> <button>Show</button></form>`;
    if (!slug) return c.html(page("Dev outbox", form));
    const claim = /^[a-z0-9-]{3,40}$/.test(slug) ? await slugClaim(c.env, slug).lookup() : null;
    if (!claim) throw new ApiError("not_found", "No org has this slug.");
    const stub = orgStub(c.env, slug, claim.jurisdiction);
    const [delivered, queue] = await Promise.all([stub.devOutbox(50), stub.mailOutbox(50)]);
    if (c.req.query("format") === "json") return c.json({ delivered, queue });
    const mails = delivered
      .map(
        (m) => `<article><h2>${escapeHtml(m.subject)}</h2><p>To ${escapeHtml(m.to)}, ${escapeHtml(m.deliveredAt)}</p>
<pre>${linkify(m.text)}</pre><details><summary>MIME</summary><pre>${escapeHtml(m.mime)}</pre></details></article>`,
      )
      .join("<hr>");
    const rows = queue
      .map(
        (q) =>
          `<tr><td>${q.id}</td><td>${escapeHtml(q.to)}</td><td>${escapeHtml(q.subject)}</td><td>${q.status}</td><td>${q.attempts}</td><td>${escapeHtml(q.lastError ?? "")}</td></tr>`,
      )
      .join("");
    const table = `<h2>Queue</h2><table><tr><th>#</th><th>To</th><th>Subject</th><th>Status</th><th>Attempts</th><th>Last error</th></tr>${rows}</table>`;
    return c.html(page(`Dev outbox: ${slug}`, `${form}${mails || "<p>No mail yet.</p>"}<hr>${table}`));
  });
