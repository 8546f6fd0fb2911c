// The Worker's HTTP stack, piece by piece, in workerd: N requests through the whole app (no Durable Object on these
// paths) and through a bare Hono app with one middleware at a time, timed with performance.now(). Bench-only.
import { env, exports } from "cloudflare:workers";
import { Hono, type MiddlewareHandler } from "hono";
import { it } from "vitest";
import app from "../../src";
import type { AppEnv } from "../../src/env";
import { refuseMisconfigured } from "../../src/http/configured";
import { jsonBodiesOnly } from "../../src/http/content-type";
import { hsts, limitBody, sameOriginOnly, securityHeaders } from "../../src/http/guards";
import { noStore } from "../../src/http/no-store";
import { countTrips } from "../../src/http/trips";
import { loadActor } from "../../src/http/actor";
import { onError } from "../../src/errors";

const N = 3000;
const ROUNDS = 7;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext;
type Fetcher = { fetch: (r: Request, e: unknown, c: ExecutionContext) => Response | Promise<Response> };

/** One round: µs per request over N requests (after a warm-up in the first round). */
async function round(fetcher: Fetcher, path: string, init?: RequestInit): Promise<number> {
  const run = async () => {
    const res = await fetcher.fetch(new Request(`https://gatehouse.example${path}`, init), env, ctx);
    await res.arrayBuffer();
  };
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await run();
  return ((performance.now() - t0) * 1000) / N;
}

/** The cases interleaved, ROUNDS times, so a burst of load elsewhere on the machine hits them all; the minimum of each. */
async function timeAll(cases: [string, Fetcher, string, RequestInit?][]) {
  const best = cases.map(() => Number.POSITIVE_INFINITY);
  for (const [, f, p, i] of cases) await round(f, p, i);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, [, f, p, i]] of cases.entries()) best[k] = Math.min(best[k] as number, await round(f, p, i));
  }
  for (const [k, [label]] of cases.entries()) console.log(`${label.padEnd(44)} ${(best[k] as number).toFixed(1).padStart(7)} µs/request`);
}

function bare(...mw: MiddlewareHandler<AppEnv>[]) {
  const a = new Hono<AppEnv>();
  for (const m of mw) a.use("*", m);
  a.get("/healthz", (c) => c.json({ ok: true }));
  a.get("/api/me", (c) => c.json({ ok: true }));
  a.onError(onError);
  return a;
}

it("times the HTTP stack", async () => {
  await timeAll([
    ["Response.json alone", { fetch: () => Response.json({ ok: true }) }, "/healthz"],
    ["bare Hono", bare(), "/healthz"],
    ["+ countTrips (off, as deployed)", bare(countTrips), "/healthz"],
    ["+ noStore", bare(noStore), "/api/me"],
    ["+ securityHeaders", bare(securityHeaders), "/healthz"],
    ["+ hsts", bare(hsts), "/healthz"],
    ["+ limitBody", bare(limitBody), "/healthz"],
    ["+ sameOriginOnly", bare(sameOriginOnly), "/healthz"],
    ["+ refuseMisconfigured", bare(refuseMisconfigured), "/api/me"],
    ["+ jsonBodiesOnly", bare(jsonBodiesOnly), "/api/me"],
    ["+ loadActor (no cookie)", bare(loadActor), "/api/me"],
    ["app GET /healthz", app, "/healthz"],
    // The same request as the profiles' "whole request" rows send it: a subrequest into this Worker through the runtime.
    ["exports.default.fetch GET /healthz", { fetch: (r) => exports.default.fetch(r) }, "/healthz"],
    ["app GET /api/me (401)", app, "/api/me"],
    ["app GET /nope (404)", app, "/nope"],
    ["app GET / (page)", app, "/"],
  ]);
});
