// scripts/check-lock.mjs: a lock that lacks another platform's binary (or pins the wrong version of it) fails
// before `npm ci` does; the project's own package-lock.json passes.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkLock } from "../../scripts/check-lock.mjs";

const binary = (os: string, cpu: string, version = "1.0.0") => ({ version, integrity: "sha512-x", optional: true, os: [os], cpu: [cpu] });

function lockWith(extra: Record<string, unknown>) {
  return {
    lockfileVersion: 3,
    packages: {
      "": { devDependencies: { tool: "^1.0.0" } },
      "node_modules/tool": {
        version: "1.0.0",
        integrity: "sha512-x",
        optionalDependencies: { "tool-linux-x64": "1.0.0", "tool-darwin-arm64": "1.0.0" },
      },
      "node_modules/tool-linux-x64": binary("linux", "x64"),
      ...extra,
    },
  };
}

describe("check-lock", () => {
  it("names a platform binary that has no entry", () => {
    const { problems } = checkLock(lockWith({}));
    expect(problems).toEqual(["tool@1.0.0 (node_modules/tool): optional dependency tool-darwin-arm64@1.0.0 has no entry"]);
  });

  it("passes when every platform's binary is listed, and reports the platforms", () => {
    const { problems, native } = checkLock(lockWith({ "node_modules/tool-darwin-arm64": binary("darwin", "arm64") }));
    expect(problems).toEqual([]);
    expect(native).toEqual([
      { package: "tool@1.0.0 (node_modules/tool)", platforms: ["tool-linux-x64 linux/x64", "tool-darwin-arm64 darwin/arm64"] },
    ]);
  });

  it("fails when the binary Node would find is another version than the one pinned", () => {
    const { problems } = checkLock(lockWith({ "node_modules/tool-darwin-arm64": binary("darwin", "arm64", "0.9.0") }));
    expect(problems).toEqual(["tool@1.0.0 (node_modules/tool): tool-darwin-arm64 needs 1.0.0 but node_modules/tool-darwin-arm64 is 0.9.0"]);
  });

  it("fails on an entry without an integrity hash", () => {
    const { problems } = checkLock(lockWith({ "node_modules/tool-darwin-arm64": { ...binary("darwin", "arm64"), integrity: undefined } }));
    expect(problems).toEqual(["node_modules/tool-darwin-arm64: no integrity hash"]);
  });

  it("finds the project's package-lock.json complete", () => {
    const lock = JSON.parse(readFileSync(fileURLToPath(new URL("../../package-lock.json", import.meta.url)), "utf8"));
    const { problems, native } = checkLock(lock);
    expect(problems).toEqual([]);
    expect(native.length).toBeGreaterThan(0);
  });
});
