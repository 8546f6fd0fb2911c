// pretest: finds a Chromium for the browser tests (CHROMIUM_PATH, then /usr/bin/chromium), installs Debian's
// `chromium` when running as root with apt-get, and otherwise fails with one line saying how to install it.
// Browser tests are never skipped silently.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium"].filter(Boolean);
const found = () => candidates.find((p) => existsSync(p));

if (!found()) {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = existsSync("/usr/bin/apt-get");
  if (isRoot && hasApt) {
    console.log("pretest: installing Debian's chromium for the browser tests...");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
  }
}
const path = found();
if (!path) {
  console.error("pretest: no Chromium found: install it (sudo apt-get install chromium) or set CHROMIUM_PATH.");
  process.exit(1);
}
console.log(`pretest: browser tests use ${path}`);
