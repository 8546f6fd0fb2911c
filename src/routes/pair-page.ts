// A minimal page for the emailed pairing link (plain HTML, English), until the web pages take it over: GET
// only shows a button, because mail scanners open links; POSTs start and confirm enrollment. No session, ever.
import { Hono } from "hono";
import { parseForm } from "./page-kit";
import type { AppEnv } from "../env";
import { ApiError, toApiError } from "../errors";
import { confirmPairedEnrollment, startPairedEnrollment } from "../flows/pairing";
import { requestMeta } from "../http/meta";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function page(body: string, status: 200 | 401 | 404 = 200): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Set up two-factor authentication</title></head><body><main><h1>Set up two-factor authentication</h1>${body}</main></body></html>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

function failure(err: unknown): Response {
  const e = toApiError(err);
  if (e.code !== "invalid_code" && e.code !== "not_found" && e.code !== "conflict") throw err;
  return page(`<p role="alert">${escapeHtml(e.message)}</p>`, e.code === "invalid_code" ? 401 : 404);
}

export const pairPageRoutes = new Hono<AppEnv>()
  .get("/:token", (c) => {
    const action = `/pair/${encodeURIComponent(c.req.param("token"))}`;
    return page(`<p>This link sets up an authenticator app for your account. It does not sign you in.</p>
<form method="post" action="${escapeHtml(action)}"><button type="submit">Start setup</button></form>`);
  })
  .post("/:token", async (c) => {
    const token = c.req.param("token");
    try {
      const info = await startPairedEnrollment(c.env, token);
      const src = `data:image/svg+xml;base64,${btoa(info.qrSvg)}`;
      return page(`<p>Scan this code with your authenticator app, or type the key.</p>
<img src="${src}" alt="QR code for your authenticator app" width="220" height="220">
<p>Key: <code>${escapeHtml(info.secret)}</code></p>
<form method="post" action="/pair/${escapeHtml(encodeURIComponent(token))}/confirm">
<label for="code">6-digit code from the app</label> <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">Confirm</button></form>`);
    } catch (err) {
      return failure(err);
    }
  })
  .post("/:token/confirm", async (c) => {
    const form = await parseForm(c);
    const code = typeof form.code === "string" ? form.code.replace(/\s+/g, "").slice(0, 32) : "";
    try {
      if (!code) throw new ApiError("invalid_code");
      const codes = await confirmPairedEnrollment(c.env, c.req.param("token"), code, requestMeta(c));
      return page(`<p>Two-factor authentication is on. Save these recovery codes now: they are shown only once.</p>
<ul>${codes.map((x) => `<li><code>${x}</code></li>`).join("")}</ul><p><a href="/">Sign in</a></p>`);
    } catch (err) {
      return failure(err);
    }
  });
