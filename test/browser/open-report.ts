// Opens a report in headless Chromium (Debian's, driven by playwright-core) from its file:// URL,
// as a reader does, and says what went wrong there: console errors, uncaught page errors, and any
// request that left the file (a report must work offline). For the report tests and for opening
// every example's report in one test.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Where the browser tests expect Chromium (.ci/run installs Debian's package). */
export const CHROMIUM = '/usr/bin/chromium';

/** True when the browser tests can run here. */
export const chromiumPresent = existsSync(CHROMIUM);
// CI (.ci/run) installs Chromium and sets this, so a browser test there fails instead of skipping.
if (!chromiumPresent && process.env['FAULTLINE_REQUIRE_CHROMIUM'] === '1') throw new Error(`no Chromium at ${CHROMIUM}, and FAULTLINE_REQUIRE_CHROMIUM=1 (apt-get install chromium)`);

// Playwright passes --headless itself; a second --headless flag makes its screenshots hang.
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** What a report looked like in Chromium. */
export interface OpenedReport {
  /** Messages the page logged with `console.error`, and resources it failed to load. */
  consoleErrors: string[];
  /** Uncaught exceptions in the page's scripts. */
  pageErrors: string[];
  /** The page's visible text (`document.body.innerText`). */
  text: string;
  /** Requests for anything but the file itself or data: URLs (none, for an offline report). */
  externalRequests: string[];
  /** How many canvases the page holds (uPlot draws each chart on one). */
  canvases: number;
}

/** Options of {@link openReportInChromium}. */
export interface OpenReportOptions {
  /** Save a full-page screenshot (PNG) here; parent directories are created. */
  screenshotPath?: string;
  /** Viewport width in px. Default 1200. */
  widthPx?: number;
}

/** Opens `htmlPath` in a fresh headless Chromium and reports what happened. */
export async function openReportInChromium(htmlPath: string, options: OpenReportOptions = {}): Promise<OpenedReport> {
  // A fresh browser with a throwaway profile (Playwright makes and removes it).
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  try {
    const page = await browser.newPage({ viewport: { width: options.widthPx ?? 1200, height: 900 } });
    const opened: OpenedReport = { consoleErrors: [], pageErrors: [], text: '', externalRequests: [], canvases: 0 };
    page.on('console', (message) => {
      if (message.type() === 'error') opened.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => opened.pageErrors.push(error.message));
    page.on('requestfailed', (request) => opened.consoleErrors.push(`failed to load ${request.url()}`));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith('file:') && !url.startsWith('data:')) opened.externalRequests.push(url);
    });
    await page.goto(pathToFileURL(resolve(htmlPath)).href, { waitUntil: 'load' });
    opened.text = await page.evaluate(() => document.body.innerText);
    opened.canvases = await page.locator('canvas').count();
    if (options.screenshotPath !== undefined) {
      mkdirSync(dirname(options.screenshotPath), { recursive: true });
      await page.screenshot({ path: options.screenshotPath, fullPage: true, timeout: 30_000 });
    }
    return opened;
  } finally {
    await browser.close();
  }
}
