// HTTP for the soak: every answer timed and kept apart from "no answer". Status 0 means the request failed in
// transport (refused, reset or timed out, e.g. during the planned restart): it may or may not have landed, so
// it is an unknown, never a refusal and never a breach. settle() retries a check until it gets a real answer.

const REQUEST_TIMEOUT_MS = 15_000;
export const SETTLE_TRIES = 6;

/**
 * A client for one base URL. `fetchImpl` is injectable so that a test can make a transport fail; `onAnswer`
 * sees every request (path label, status, latency) for the summary.
 */
export function makeClient(base, { fetchImpl = fetch, onAnswer = () => {} } = {}) {
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
      answer = { status: 0, body: null, error: e?.cause?.code ?? e?.name ?? "error", sentAt, recvAt: Date.now() };
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
