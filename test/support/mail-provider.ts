// A stand-in for the transactional mail API (Resend's format), run in Node by vitest.config.ts as the test
// Worker's outbound service: every fetch to MAIL_STAND_IN_URL from the Worker or its objects lands here over the
// runtime's real HTTP path. The recipient's local part chooses the answer, so each test steers its own messages:
// accept-* 200 {id}; reject-* 422; busy-* 429; conflict-* 409 (same idempotency key in progress); down-* 500; slow-* answers after 3 s; flaky<N>-* 503 for the
// first N requests, then 200. GET <url>/__sent?to=<address> returns what was received for that address.
// Plain TypeScript with no imports, so Node loads it from the config.
export const MAIL_STAND_IN_URL = "https://mail.stand-in.test";
export const MAIL_STAND_IN_KEY = "re_test_0123456789abcdefghij";

interface Received {
  authorization: string | null;
  idempotencyKey: string | null;
  contentType: string | null;
  body: { from?: string; to?: string[]; subject?: string; text?: string; html?: string };
}

const received = new Map<string, Received[]>();

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function error(statusCode: number, name: string, message: string): Response {
  return answer(statusCode, { statusCode, name, message });
}

export async function mailStandIn(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.origin !== MAIL_STAND_IN_URL) return fetch(request);
  if (request.method === "GET" && url.pathname === "/__sent") return answer(200, received.get(url.searchParams.get("to") ?? "") ?? []);
  if (request.method !== "POST" || url.pathname !== "/emails") return error(404, "not_found", "The requested endpoint does not exist.");
  const authorization = request.headers.get("authorization");
  if (authorization === null) return error(401, "missing_api_key", "Missing API key in the authorization header.");
  if (authorization !== `Bearer ${MAIL_STAND_IN_KEY}`) return error(403, "invalid_api_key", "API key is invalid");
  const body = (await request.json()) as Received["body"];
  const to = body.to?.[0] ?? "";
  const list = received.get(to) ?? [];
  list.push({
    authorization,
    idempotencyKey: request.headers.get("idempotency-key"),
    contentType: request.headers.get("content-type"),
    body,
  });
  received.set(to, list);
  const local = to.split("@")[0] ?? "";
  if (local.startsWith("reject-")) return error(422, "validation_error", "Invalid `to` field.");
  if (local.startsWith("busy-")) return error(429, "rate_limit_exceeded", "Too many requests. You can only make 2 requests per second.");
  if (local.startsWith("conflict-")) {
    return error(409, "concurrent_idempotent_requests", "Same idempotency key used while original request is still in progress.");
  }
  if (local.startsWith("down-")) return error(500, "internal_server_error", "An unexpected error occurred.");
  if (local.startsWith("slow-")) await new Promise((resolve) => setTimeout(resolve, 3000));
  const flaky = /^flaky(\d+)-/.exec(local);
  if (flaky && list.length <= Number(flaky[1])) return error(503, "internal_server_error", "Service unavailable.");
  return answer(200, { id: crypto.randomUUID() });
}
