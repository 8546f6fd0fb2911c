// HTTP for the soak: every answer timed and kept apart from "no answer". Status 0 means the request failed in
// transport (refused, reset or timed out, e.g. during the planned restart): it may or may not have landed, so
// it is an unknown, never a refusal and never a breach. settle() retries a check until it gets a real answer.
import { Agent, request } from "node:http";

/**
 * One connection per request. With keep-alive, workerd closing an idle connection just as the client reuses it
 * (on a busy machine the window is wide) loses requests that did nothing wrong: unknowns that are only noise.
 */
const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

/** fetch() over node:http with that agent; answers a standard Response. */
export function loopbackFetch(url, init = {}) {
  return new Promise((resolve, reject) => {
    const r = request(url, { method: init.method ?? "GET", headers: init.headers, agent, signal: init.signal }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const headers = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        const empty = [101, 204, 205, 304].includes(res.statusCode); // statuses a Response may not carry a body with
        resolve(new Response(empty ? null : Buffer.concat(chunks), { status: res.statusCode, headers }));
      });
    });
    r.on("error", reject);
    r.end(init.body);
  });
}

const REQUEST_TIMEOUT_MS = 15_000;
export const SETTLE_TRIES = 6;

/**
 * A client for one base URL. `fetchImpl` is injectable so that a test can make a transport fail; `onAnswer`
 * sees every request (path label, status, latency) for the summary.
 */
export function makeClient(base, { fetchImpl = loopbackFetch, onAnswer = () => {} } = {}) {
  return async function req(path, { method, body, cookie, bearer, label } = {}) {
    const headers = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (cookie) headers.cookie = cookie;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    const sentAt = Date.now();
    let answer;
    try {
      const res = await fetchImpl(`${base}${path}`, {
        method: method ?? (body === undefined ? "GET" : "POST"),
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), // a request caught by the restart must not hang the run
      });
      const text = await res.text();
      let parsed = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = { text: text.slice(0, 200) };
      }
      const setCookie = res.headers
        .getSetCookie()
        .find((c) => /^(__Host-)?session=/.test(c))
        ?.split(";")[0];
      answer = { status: res.status, body: parsed, cookie: setCookie, sentAt, recvAt: Date.now() };
    } catch (e) {
      answer = { status: 0, body: null, error: e?.cause?.code ?? e?.code ?? e?.name ?? "error", sentAt, recvAt: Date.now() };
    }
    onAnswer(label ?? path, answer);
    return answer;
  };
}

/**
 * Asks until there is a real answer: after a transport error, waits for the Worker (`ready`, e.g. the end of
 * the restart) and a short pause, then asks again, at most `tries` times. Returns the last answer and every
 * status seen, so the judge can tell "answered 401 on the second try" from "never answered".
 */
export async function settle(ask, { ready = async () => {}, tries = SETTLE_TRIES, pauseMs = 250 } = {}) {
  const statuses = [];
  let answer;
  for (let i = 0; i < tries; i++) {
    answer = await ask();
    statuses.push(answer.status);
    if (answer.status !== 0) break;
    await ready();
    await new Promise((r) => setTimeout(r, pauseMs * (i + 1)));
  }
  return { answer, statuses };
}
