// Round trips to Durable Objects, counted per request in tests and the benchmark only: with TEST_SEAMS=true and
// TRIP_COUNTING=true the request's ORG and DIRECTORY bindings are wrapped so every call is counted (and, for the
// simulated-distance bench, delayed by TRIP_DELAY_MS), and the answer says "x-gatehouse-trips: <calls> <sequential>".
// A call is sequential when no other call was in flight as it started (calls made together count once). Without
// both switches the middleware only calls next(): production pays one string comparison. Counting has a switch of
// its own because it costs (a proxy per stub, a new env per request), and the bench measures the hot paths without it.
import type { MiddlewareHandler } from "hono";
import { shareConfig } from "../config";
import type { AppEnv, Env } from "../env";

export const TRIPS_HEADER = "x-gatehouse-trips";

interface Tally {
  calls: number;
  sequential: number;
  inFlight: number;
  delayMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function wrapStub<T extends object>(stub: T, tally: Tally): T {
  return new Proxy(stub, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      return async (...args: unknown[]) => {
        tally.calls++;
        if (tally.inFlight === 0) tally.sequential++;
        tally.inFlight++;
        try {
          if (tally.delayMs > 0) await sleep(tally.delayMs);
          return await Reflect.apply(value, target, args);
        } finally {
          tally.inFlight--;
        }
      };
    },
  });
}

function wrapNamespace<T extends object>(ns: T, tally: Tally): T {
  return new Proxy(ns, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      const bound = (...args: unknown[]) => Reflect.apply(value, target, args);
      if (prop === "get" || prop === "getByName") return (...args: unknown[]) => wrapStub(bound(...args) as object, tally);
      if (prop === "jurisdiction") return (...args: unknown[]) => wrapNamespace(bound(...args) as object, tally);
      return bound;
    },
  });
}

export const countTrips: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.env.TEST_SEAMS !== "true" || c.env.TRIP_COUNTING !== "true") return next();
  const tally: Tally = { calls: 0, sequential: 0, inFlight: 0, delayMs: Number(c.env.TRIP_DELAY_MS) || 0 };
  // The request's env inherits every other binding and var from the isolate's: copying them all (a spread) cost
  // more than the rest of the stack together.
  const env: Env = Object.create(c.env, {
    ORG: { value: wrapNamespace(c.env.ORG, tally), enumerable: true },
    DIRECTORY: { value: wrapNamespace(c.env.DIRECTORY, tally), enumerable: true },
  });
  shareConfig(env, c.env);
  c.env = env;
  await next();
  c.res.headers.set(TRIPS_HEADER, `${tally.calls} ${tally.sequential}`);
};
