// Lighthouse (mobile, its default settings) on each URL given, with one headless Chromium (CHROME_PATH,
// e.g. Debian's /usr/bin/chromium). Prints one JSON line per page: the performance and accessibility
// scores (0–100), the main timings, and the audits that keep a score below 100.
// Usage: node run.mjs URL [URL ...]   (`manage.py lighthouse` runs it; see the Makefile's `lighthouse`)
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

const urls = process.argv.slice(2);
if (!urls.length) {
  console.error("usage: node run.mjs URL [URL ...]");
  process.exit(2);
}
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || undefined,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-component-update"],
});
let failed = false;
try {
  for (const url of urls) {
    try {
      // A run that fails to load the page (a runtime error, no score) is tried once more.
      let lhr;
      for (let attempt = 0; attempt < 2; attempt += 1) {
        ({ lhr } = await lighthouse(url, {
          port: chrome.port,
          output: "json",
          logLevel: "error",
          onlyCategories: ["performance", "accessibility"],
        }));
        if (!lhr.runtimeError && lhr.categories.performance.score !== null) break;
      }
      const failing = [];
      for (const [category, info] of Object.entries(lhr.categories)) {
        for (const ref of info.auditRefs) {
          const audit = lhr.audits[ref.id];
          if (ref.weight > 0 && audit.score !== null && audit.score < 0.9) {
            failing.push(`${category}:${ref.id}(${Math.round(audit.score * 100)})`);
          }
        }
      }
      const value = (id) => Math.round(lhr.audits[id]?.numericValue ?? 0);
      console.log(
        JSON.stringify({
          url,
          performance: Math.round((lhr.categories.performance.score ?? 0) * 100),
          accessibility: Math.round((lhr.categories.accessibility.score ?? 0) * 100),
          fcp: value("first-contentful-paint"),
          lcp: value("largest-contentful-paint"),
          tbt: value("total-blocking-time"),
          cls: lhr.audits["cumulative-layout-shift"]?.numericValue ?? 0,
          failing,
          error: lhr.runtimeError?.message ?? null,
        }),
      );
    } catch (error) {
      failed = true;
      console.log(JSON.stringify({ url, error: String(error) }));
    }
  }
} finally {
  await chrome.kill();
}
process.exit(failed ? 1 : 0);
