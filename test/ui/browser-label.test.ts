// The Account page names each session by a short browser label read from its user agent.
import { describe, expect, it } from "vitest";
import { browserOf } from "../../src/ui/browser-label";

describe("browserOf", () => {
  it("names the common browsers and systems", () => {
    const cases: [string, { browser: string; os: string | null }][] = [
      [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        { browser: "Chrome", os: "Linux" },
      ],
      [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
        { browser: "Chrome", os: "Linux" },
      ],
      [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        { browser: "Edge", os: "Windows" },
      ],
      ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0", { browser: "Firefox", os: "macOS" }],
      [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        { browser: "Safari", os: "iOS" },
      ],
      [
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        { browser: "Chrome", os: "Android" },
      ],
      ["curl/8.5.0", { browser: "curl", os: null }],
    ];
    for (const [ua, expected] of cases) expect(browserOf(ua), ua).toEqual(expected);
  });

  it("gives nothing for a missing or empty agent", () => {
    expect(browserOf(null)).toBeNull();
    expect(browserOf("  ")).toBeNull();
  });
});
