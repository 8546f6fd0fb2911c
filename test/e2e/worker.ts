// Starts the real Worker with wrangler (as `wrangler dev` does) on 127.0.0.1, with test secrets and a
// persistence folder of the test's choosing, and talks to it over HTTP like any client.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unstable_startWorker } from "wrangler";
import { TEST_SECRETS } from "../support/secrets";

export interface RunningWorker {
  url: string;
  dispose(): Promise<void>;
}

export function freshStateDir(): string {
  return mkdtempSync(join(tmpdir(), "gatehouse-e2e-"));
}

/** `extra` adds or overrides plain-text bindings, e.g. { DEV_MODE: "true" } for a test that reads /dev/outbox. */
export async function startWorker(persistTo: string, extra: Record<string, string> = {}): Promise<RunningWorker> {
  const vars = { ...TEST_SECRETS, ...extra };
  const bindings = Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { type: "plain_text" as const, value }]));
  const worker = await unstable_startWorker({
    config: "./wrangler.toml",
    bindings,
    dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, persist: persistTo, watch: false, logLevel: "warn" },
  } as Parameters<typeof unstable_startWorker>[0]);
  const url = (await worker.url).toString().replace(/\/$/, "");
  return { url, dispose: () => worker.dispose() };
}

export async function http(base: string, path: string, opts: { method?: string; body?: unknown; cookie?: string; bearer?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  const res = await fetch(`${base}${path}`, {
    method: opts.method ?? (opts.body === undefined ? "GET" : "POST"),
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  const cookie = res.headers
    .getSetCookie()
    .find((c) => /^(__Host-)?session=/.test(c))
    ?.split(";")[0];
  return { status: res.status, body: text ? JSON.parse(text) : null, cookie };
}
