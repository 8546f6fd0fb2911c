// A short, human label for a session's user agent ("Chrome on Linux"), so a person can tell their devices apart.
// Only the common browsers and systems are named; anything else is shown by its first product token.

const BROWSERS: readonly [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\bOPR\//, "Opera"],
  [/\bFirefox\/|\bFxiOS\//, "Firefox"],
  [/\b(Headless)?Chrome\/|\bCriOS\/|\bChromium\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
];

const SYSTEMS: readonly [RegExp, string][] = [
  [/\b(iPhone|iPad|iPod)\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b/, "Linux"],
];

/** The browser and system named in a user agent; the browser falls back to its first product token. */
export function browserOf(userAgent: string | null | undefined): { browser: string; os: string | null } | null {
  const ua = userAgent?.trim();
  if (!ua) return null;
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? /^[\w.-]{1,40}/.exec(ua)?.[0];
  if (!browser) return null;
  return { browser, os: SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? null };
}
