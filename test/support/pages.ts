// A browser tab for workerd page tests: keeps its cookies (session, sign-in challenge, language) and posts forms
// with the latest page's form token, as a browser would.
import { BASE, call } from "./api";

const FORM = { "content-type": "application/x-www-form-urlencoded", origin: BASE, accept: "text/html" };

function cookiesOf(res: Response, previous = ""): string {
  const jar = new Map(previous ? previous.split("; ").map((c) => c.split("=", 2) as [string, string]) : []);
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(";");
    const [name, value] = (pair ?? "").split("=", 2) as [string, string];
    if (/Max-Age=0/i.test(c)) jar.delete(name);
    else jar.set(name, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** A browser tab: keeps cookies and reads the latest page's form token. */
export async function tab(cookie = "") {
  const s = { cookie, csrf: "" };
  const get = async (path: string) => {
    const res = await call(path, { cookie: s.cookie, headers: { accept: "text/html" } });
    s.cookie = cookiesOf(res, s.cookie);
    const html = await res.text();
    s.csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? s.csrf;
    return { res, html };
  };
  const post = async (path: string, fields: Record<string, string>) => {
    const res = await call(path, { cookie: s.cookie, headers: FORM, body: new URLSearchParams({ _csrf: s.csrf, ...fields }).toString() });
    s.cookie = cookiesOf(res, s.cookie);
    return res;
  };
  return { s, get, post };
}

/** One page fetched with a session cookie: its HTML, its form token and its single-use form id (empty when none). */
export async function pageOf(path: string, cookie: string) {
  const res = await call(path, { cookie, headers: { accept: "text/html" } });
  const html = await res.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const formId = /name="formId" value="([^"]+)"/.exec(html)?.[1] ?? "";
  return { res, html, token, formId, cookie };
}

/** A form post from that page, from our own origin, with its form token. */
export function postForm(path: string, from: { token: string; cookie: string }, fields: Record<string, string> = {}) {
  return call(path, {
    body: new URLSearchParams({ ...fields, _csrf: from.token }).toString(),
    cookie: from.cookie,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
  });
}
