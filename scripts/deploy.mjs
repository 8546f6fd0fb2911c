// npm run deploy: `wrangler deploy`, after a loud warning for each production setting that fails silently:
// no send_email binding named MAILER (mail never leaves unless the MAIL_API_KEY secret is set), or workers_dev not set to false (the workers.dev
// address stays open beside a custom domain). It only warns; its arguments go to wrangler unchanged, and
// wrangler's exit code is ours.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

const args = process.argv.slice(2);

/** The value of `--name value` or `--name=value` among wrangler's arguments. */
function argValue(names) {
  for (let i = 0; i < args.length; i++) {
    if (names.includes(args[i])) return args[i + 1];
    const eq = names.find((n) => args[i].startsWith(`${n}=`));
    if (eq) return args[i].slice(eq.length + 1);
  }
  return undefined;
}

/** Drops a TOML comment, leaving any '#' inside a quoted string alone. */
function stripComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "#") return line.slice(0, i);
  }
  return line;
}

/** Just enough TOML: each table (header "" = top level) with its `key = value` lines, values as written. */
function scanToml(text) {
  const tables = [{ header: "", entries: new Map() }];
  for (const raw of text.split(/\r?\n/)) {
    const line = stripComment(raw).trim();
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) tables.push({ header: header[1].replace(/\s+/g, ""), entries: new Map() });
    const kv = /^([A-Za-z0-9_-]+)\s*=\s*(.+)$/.exec(line);
    if (kv) tables.at(-1).entries.set(kv[1], kv[2].trim());
  }
  return tables;
}

const unquote = (v) => v?.replace(/^["'](.*)["']$/, "$1");

/** { mailer, workersDevOff } for a wrangler.toml, under `--env` when one is given. */
function inspectToml(text, env) {
  const tables = scanToml(text);
  const prefix = env ? `env.${env}.` : "";
  const top = tables.find((t) => t.header === (env ? `env.${env}` : ""));
  // send_email is not inherited by an environment; workers_dev is, unless the environment sets it.
  const mailer =
    tables.some((t) => t.header === `${prefix}send_email` && unquote(t.entries.get("name")) === "MAILER") ||
    /name\s*=\s*["']MAILER["']/.test(top?.entries.get("send_email") ?? "");
  const workersDev = top?.entries.get("workers_dev") ?? tables[0].entries.get("workers_dev");
  const vars = tables.find((t) => t.header === `${prefix}vars`) ?? (env ? undefined : tables.find((t) => t.header === "vars"));
  return { mailer, workersDevOff: workersDev === "false", devMode: unquote(vars?.entries.get("DEV_MODE")) === "true" };
}

/** The same for wrangler.json / wrangler.jsonc (comments dropped, JSON otherwise). */
function inspectJson(text, env) {
  const json = JSON.parse(text.replace(/\/\*[\s\S]*?\*\/|(^|[^:"])\/\/.*$/gm, "$1").replace(/,(\s*[}\]])/g, "$1"));
  const scope = env ? (json.env?.[env] ?? {}) : json;
  const mailer = (scope.send_email ?? []).some((b) => b?.name === "MAILER");
  const devMode = String(scope.vars?.DEV_MODE) === "true";
  return { mailer, workersDevOff: (scope.workers_dev ?? json.workers_dev) === false, devMode };
}

function banner(lines) {
  const bar = "!".repeat(100);
  console.error(["", bar, ...lines.map((l) => `!!  ${l}`), bar, ""].join("\n"));
}

const configPath =
  argValue(["--config", "-c"]) ?? ["wrangler.toml", "wrangler.jsonc", "wrangler.json"].find((p) => existsSync(p)) ?? "wrangler.toml";
const env = argValue(["--env", "-e"]);
let found = null;
try {
  const text = readFileSync(configPath, "utf8");
  found = /\.jsonc?$/.test(configPath) ? inspectJson(text, env) : inspectToml(text, env);
} catch (err) {
  banner([`WARNING: could not read ${configPath} (${err.message}); the checks below were skipped.`]);
}

if (found && !found.mailer) {
  banner([
    `WARNING: NO MAIL BINDING. ${configPath} has no [[send_email]] binding named MAILER${env ? ` for --env ${env}` : ""}.`,
    "Unless the MAIL_API_KEY secret is set (wrangler secret put MAIL_API_KEY: an HTTPS mail API),",
    "security notices and pairing links will NEVER LEAVE: they wait in each org's outbox, and",
    "GET /healthz answers 503 naming MAILER. Or, once the sender domain (MAIL_FROM) is onboarded to",
    "Email Routing / Email Service, add to wrangler.toml:",
    "",
    "    [[send_email]]",
    '    name = "MAILER"',
  ]);
}
if (found?.devMode) {
  banner([
    `WARNING: DEV_MODE IS ON in ${configPath}${env ? ` for --env ${env}` : ""}.`,
    '/dev/outbox will serve every org\'s mail, pairing links included, to anyone who asks. Set DEV_MODE = "false".',
  ]);
}
if (found && !found.workersDevOff) {
  banner([
    `WARNING: workers_dev IS NOT SET TO false in ${configPath}${env ? ` for --env ${env}` : ""}.`,
    "The Worker will also answer on https://<name>.<account>.workers.dev, beside any custom domain:",
    "a second address where your zone's WAF, rate limiting and Access rules do not apply.",
    "If this deployment should serve only its custom domain, set at the top of wrangler.toml:",
    "",
    "    workers_dev = false",
    "",
    'See README.md, "Deploying".',
  ]);
}

const result = spawnSync("npx", ["wrangler", "deploy", ...args], { stdio: "inherit", shell: process.platform === "win32" });
if (result.error) {
  console.error(`deploy: could not run wrangler: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
