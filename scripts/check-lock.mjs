// Fails when package-lock.json could not install on some platform: every optional dependency (the per-platform
// binaries of workerd, esbuild, biome, rolldown, sharp…) must have its own entry, at the version asked for, with an
// integrity hash, or `npm ci` on macOS, Windows or Linux arm64 stops as "out of sync". No dependencies: runs first.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where Node would find `name` from the package installed at `from` (a lock key; "" is the project). */
function resolve(packages, from, name) {
  let at = from;
  for (;;) {
    const key = at ? `${at}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[key]) return key;
    if (!at) return null;
    const up = at.lastIndexOf("/node_modules/");
    at = up === -1 ? "" : at.slice(0, up);
  }
}

const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const platformOf = (entry) => [entry?.os?.join("|"), entry?.cpu?.join("|")].filter(Boolean).join("/");

/**
 * Checks a parsed package-lock.json (lockfileVersion 2 or 3). Returns the problems (empty when complete) and,
 * for each package with platform-specific optional dependencies, the platforms its entries cover.
 */
export function checkLock(lock) {
  const problems = new Set();
  const native = [];
  const packages = lock?.packages;
  if (!packages || typeof packages !== "object") {
    return { problems: ['package-lock.json has no "packages" map (lockfileVersion 2 or 3 is needed)'], native };
  }
  for (const [key, entry] of Object.entries(packages)) {
    if (entry.link) continue;
    const label = key ? `${entry.name ?? key.slice(key.lastIndexOf("node_modules/") + 13)}@${entry.version} (${key})` : "the project";
    const wanted = {
      ...entry.dependencies,
      ...(key === "" ? entry.devDependencies : {}),
      ...entry.optionalDependencies,
    };
    const platforms = [];
    for (const [name, spec] of Object.entries(wanted)) {
      const optional = Boolean(entry.optionalDependencies && name in entry.optionalDependencies);
      const found = resolve(packages, key, name);
      if (!found) {
        problems.add(`${label}: ${optional ? "optional " : ""}dependency ${name}@${spec} has no entry`);
        continue;
      }
      const dep = packages[found];
      if (EXACT.test(spec) && dep.version !== spec) {
        problems.add(`${label}: ${name} needs ${spec} but ${found} is ${dep.version}`);
      }
      if (!dep.link && !dep.integrity && !dep.inBundle) problems.add(`${found}: no integrity hash`);
      if (optional && (dep.os || dep.cpu)) platforms.push(`${name} ${platformOf(dep)}`);
    }
    if (platforms.length) native.push({ package: label, platforms });
  }
  return { problems: [...problems], native };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file =
    process.argv.slice(2).find((a) => !a.startsWith("--")) ?? join(dirname(fileURLToPath(import.meta.url)), "..", "package-lock.json");
  const { problems, native } = checkLock(JSON.parse(readFileSync(file, "utf8")));
  const binaries = native.reduce((n, p) => n + p.platforms.length, 0);
  if (process.argv.includes("--verbose")) {
    for (const p of native) console.log(`${p.package}:\n  ${p.platforms.join("\n  ")}`);
  }
  if (problems.length) {
    console.error(`check-lock: ${file} is incomplete (npm ci would fail on some platform):`);
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  console.log(`check-lock: ok, ${native.length} packages with platform binaries, all ${binaries} entries present`);
}
