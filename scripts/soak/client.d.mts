// Types of the soak's HTTP client (client.mjs), for the tests that make its transport fail.
export interface Answer {
  status: number;
  body: unknown;
  cookie?: string;
  error?: string;
  sentAt: number;
  recvAt: number;
}

export type Req = (
  path: string,
  opts?: { method?: string; body?: unknown; cookie?: string; bearer?: string; label?: string },
) => Promise<Answer>;

export const SETTLE_TRIES: number;
export function makeClient(base: string, opts?: { fetchImpl?: typeof fetch; onAnswer?: (label: string, a: Answer) => void }): Req;
export function settle(
  ask: () => Promise<Answer>,
  opts?: { ready?: () => Promise<unknown>; tries?: number; pauseMs?: number },
): Promise<{ answer: Answer; statuses: number[] }>;
export function loopbackFetch(url: string, init?: RequestInit): Promise<Response>;
