// The relying party: RP_ID and RP_ORIGINS from config (validated, naming the variable), else the request's host;
// an IP address is never an RP ID, so passkeys there say why they are unavailable instead of failing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { config, configProblems } from "../../src/config";
import type { Env } from "../../src/env";
import { relyingParty } from "../../src/flows/passkeys";

const with_ = (overrides: Partial<Record<keyof Env, unknown>>) => ({ ...env, ...overrides }) as Env;

describe("the passkeys' relying party", () => {
  it("comes from RP_ID and RP_ORIGINS when they are set", () => {
    expect(config(with_({ RP_ID: "example.com" })).relyingParty).toEqual({ id: "example.com", origins: ["https://example.com"] });
    const e = with_({ RP_ID: "example.com", RP_ORIGINS: "https://login.example.com, https://example.com" });
    expect(relyingParty(e, "https://attacker.test/x")).toEqual({
      id: "example.com",
      origins: ["https://login.example.com", "https://example.com"],
      name: "Gatehouse",
    });
  });

  it("refuses an RP_ID that is an IP address, a URL or has a port, and origins off its domain", () => {
    for (const bad of ["127.0.0.1", "https://example.com", "example.com:8787"]) {
      expect(configProblems(with_({ RP_ID: bad })), bad).toEqual([expect.stringMatching(/^RP_ID must be a domain name/)]);
    }
    expect(configProblems(with_({ RP_ID: "example.com", RP_ORIGINS: "https://example.org" }))).toEqual([
      expect.stringMatching(/^RP_ORIGINS must be used with RP_ID/),
    ]);
    expect(configProblems(with_({ RP_ORIGINS: "https://example.com" }))).toEqual([expect.stringMatching(/^RP_ORIGINS/)]);
    expect(configProblems(with_({ RP_ID: "example.com", RP_ORIGINS: "http://example.com" }))).toEqual([
      expect.stringMatching(/^RP_ORIGINS must be origins/),
    ]);
  });

  it("is the request's host without config, and unavailable on an IP address", () => {
    expect(relyingParty(env, "http://localhost:8787/account")).toEqual({
      id: "localhost",
      origins: ["http://localhost:8787"],
      name: "Gatehouse",
    });
    expect(relyingParty(env, "http://127.0.0.1:8787/account")).toBeNull();
    expect(relyingParty(env, "http://[::1]:8787/account")).toBeNull();
  });
});
