// Test helpers: call the Worker like a client would, through its real fetch handler inside workerd.
import { exports } from "cloudflare:workers";
import { PASSWORD, TEST_SECRETS } from "./secrets";

export const BASE = "https://gatehouse.test";

export interface CallOptions {
  method?: string;
  body?: unknown;
  cookie?: string;
  bearer?: string;
  headers?: Record<string, string>;
}

export async function call(path: string, opts: CallOptions = {}): Promise<Response> {
  const headers = new Headers(opts.headers);
  if (opts.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  if (opts.cookie) headers.set("cookie", opts.cookie);
  if (opts.bearer) headers.set("authorization", `Bearer ${opts.bearer}`);
  const body = opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
  // redirect: "manual", so a test sees a page's 303 itself (a Fetcher follows redirects by default).
  return exports.default.fetch(
    new Request(`${BASE}${path}`, { method: opts.method ?? (body === undefined ? "GET" : "POST"), headers, body, redirect: "manual" }),
  );
}

export async function callJson<T = Record<string, unknown>>(path: string, opts: CallOptions = {}) {
  const res = await call(path, opts);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T, res };
}

/** The "name=value" part of the session cookie a response sets, for the next request's Cookie header. */
export function sessionCookieFrom(res: Response): string | undefined {
  const set = res.headers.getSetCookie().find((c) => /^(__Host-)?session=/.test(c));
  if (!set || /Max-Age=0/i.test(set)) return undefined;
  return set.split(";")[0];
}

export function randomSlug(prefix = "org"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export function randomEmail(prefix = "user"): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

export { PASSWORD };

export interface TestOrg {
  slug: string;
  admin: { id: string; email: string; password: string };
}

export async function createOrg(opts: { slug?: string; jurisdiction?: string; email?: string } = {}): Promise<TestOrg> {
  const slug = opts.slug ?? randomSlug();
  const email = opts.email ?? randomEmail("admin");
  const r = await callJson<{ admin: { id: string } }>("/api/platform/orgs", {
    bearer: TEST_SECRETS.PLATFORM_TOKEN,
    body: {
      slug,
      name: `Org ${slug}`,
      admin: { email, password: PASSWORD, name: "Ada Admin" },
      ...(opts.jurisdiction ? { jurisdiction: opts.jurisdiction } : {}),
    },
  });
  if (r.status !== 201) throw new Error(`createOrg: ${r.status} ${JSON.stringify(r.body)}`);
  return { slug, admin: { id: r.body.admin.id, email, password: PASSWORD } };
}

/** Signs in with a password only; throws unless the answer is a session. */
export async function signIn(email: string, password = PASSWORD): Promise<string> {
  const r = await call("/auth/login", { body: { email, password } });
  const cookie = sessionCookieFrom(r);
  if (r.status !== 200 || !cookie) throw new Error(`signIn: ${r.status} ${await r.text()}`);
  return cookie;
}

export async function addUser(adminCookie: string, role: "technician" | "admin" = "technician") {
  const email = randomEmail(role);
  const r = await callJson<{ id: string }>("/api/org/users", {
    cookie: adminCookie,
    body: { email, password: PASSWORD, name: "Tess Tech", role },
  });
  if (r.status !== 201) throw new Error(`addUser: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id, email, password: PASSWORD };
}
