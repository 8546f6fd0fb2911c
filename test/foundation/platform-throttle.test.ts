// Guesses at the operator's platform token are counted per client network: 10 wrong in a row lock that
// network out for 15 minutes, the right token included, while other networks and API keys go on.
import { describe, expect, it } from "vitest";
import { clientNetwork } from "../../src/directory/names";
import { call, callJson, createOrg, PASSWORD, randomEmail, randomSlug, signIn } from "../support/api";
import { advance, useTestClock } from "../support/clock";
import { TEST_SECRETS } from "../support/secrets";

useTestClock();

let counter = 0;
/** A fresh documentation address (RFC 5737) per test, so tests do not share a count. */
function freshIp(): string {
  counter++;
  return `203.0.${Math.floor(Math.random() * 200)}.${counter}`;
}

function asOperator(ip: string, token: string = TEST_SECRETS.PLATFORM_TOKEN) {
  return callJson<{ error?: { code: string } }>("/api/platform/orgs", {
    bearer: token,
    headers: { "cf-connecting-ip": ip },
    body: { slug: randomSlug(), name: "Throttle", admin: { email: randomEmail(), password: PASSWORD } },
  });
}

async function wrongGuesses(ip: string, n: number) {
  for (let i = 0; i < n; i++) {
    const r = await asOperator(ip, `wrong-token-${i}-${crypto.randomUUID()}`);
    expect(r.status, `guess ${i + 1}`).toBe(401);
  }
}

describe("wrong platform tokens", () => {
  it("lock the network after 10 in a row: the 11th and even the right token get 429 with Retry-After", async () => {
    const ip = freshIp();
    await wrongGuesses(ip, 10);
    const eleventh = await asOperator(ip, "yet-another-guess");
    expect(eleventh.status).toBe(429);
    expect(eleventh.body.error?.code).toBe("too_many_attempts");
    expect(Number(eleventh.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    const right = await asOperator(ip);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeLessThanOrEqual(15 * 60);
  });

  it("leave other networks, sessions and API keys alone", async () => {
    const ip = freshIp();
    await wrongGuesses(ip, 10);
    expect((await asOperator(freshIp())).status).toBe(201);
    const org = await createOrg();
    const cookie = await signIn(org.admin.email);
    expect((await call("/api/me", { cookie, headers: { "cf-connecting-ip": ip } })).status).toBe(200);
    const key = await callJson<{ key: string }>("/api/org/api-keys", { cookie, body: { name: "ci", role: "admin" } });
    expect((await call("/api/org/users", { bearer: key.body.key, headers: { "cf-connecting-ip": ip } })).status).toBe(200);
  });

  it("unlock after 15 minutes", async () => {
    const ip = freshIp();
    await wrongGuesses(ip, 10);
    expect((await asOperator(ip)).status).toBe(429);
    advance(15 * 60 * 1000 - 2000);
    expect((await asOperator(ip)).status).toBe(429);
    advance(3000);
    expect((await asOperator(ip)).status).toBe(201);
  });

  it("count in a row: the right token clears the count", async () => {
    const ip = freshIp();
    await wrongGuesses(ip, 9);
    expect((await asOperator(ip)).status).toBe(201);
    await wrongGuesses(ip, 9);
    expect((await asOperator(ip)).status).toBe(201);
  });

  it("count an IPv6 client per /64, since one host may use any address in it", async () => {
    const prefix = `2001:db8:${(counter++).toString(16)}:1`;
    for (let i = 0; i < 10; i++) {
      expect((await asOperator(`${prefix}::${(i + 1).toString(16)}`, `guess-${i}`)).status).toBe(401);
    }
    expect((await asOperator(`${prefix}:ffff:ffff:ffff:ffff`)).status).toBe(429);
    expect((await asOperator(`2001:db8:${(counter++).toString(16)}:2::1`)).status).toBe(201);
  });

  it("name the network: IPv4 as it is, IPv6 by its /64", () => {
    expect(clientNetwork("198.51.100.7")).toBe("198.51.100.7");
    expect(clientNetwork("::ffff:198.51.100.7")).toBe("198.51.100.7");
    expect(clientNetwork("2001:DB8:0:1::5")).toBe("2001:db8:0:1::/64");
    expect(clientNetwork("2001:db8:0:1:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:0:1::/64");
    expect(clientNetwork("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientNetwork("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientNetwork(undefined)).toBe("unknown");
    expect(clientNetwork("")).toBe("unknown");
  });
});
