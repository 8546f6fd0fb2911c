// Registers the example app as a client of the local Gatehouse (`npm start`, from the repo root) through the
// operator API, and writes the app's .dev.vars: the client id, its secret (shown once by Gatehouse) and a
// fresh session secret. Run from the repo root: node examples/hono-app/register.mjs
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const GATEHOUSE = process.env.GATEHOUSE_URL ?? "http://127.0.0.1:8787";
const APP = process.env.APP_URL ?? "https://localhost:8788";

const token = readFileSync(".dev.vars", "utf8")
  .split("\n")
  .find((l) => l.startsWith("PLATFORM_TOKEN="))
  ?.slice("PLATFORM_TOKEN=".length)
  .trim();
if (!token) throw new Error("register: no PLATFORM_TOKEN in ./.dev.vars: run `npm start` from the repo root first");

const res = await fetch(`${GATEHOUSE}/api/platform/oidc-clients`, {
  method: "POST",
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  body: JSON.stringify({
    name: "Example app",
    type: "confidential",
    redirectUris: [`${APP}/callback`],
    postLogoutRedirectUris: [`${APP}/logout`],
  }),
});
if (res.status !== 201) throw new Error(`register: Gatehouse answered ${res.status} ${await res.text()}`);
const { clientId, clientSecret } = await res.json();
const lines = [
  `OIDC_CLIENT_ID=${clientId}`,
  `OIDC_CLIENT_SECRET=${clientSecret}`,
  `OIDC_AUTH_SECRET=${randomBytes(32).toString("base64url")}`,
];
writeFileSync("examples/hono-app/.dev.vars", `${lines.join("\n")}\n`, { mode: 0o600 });
console.log(`register: client ${clientId} registered with ${GATEHOUSE}; wrote examples/hono-app/.dev.vars`);
