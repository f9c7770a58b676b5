// A run report in a real browser: written by faultline/report, opened from its file:// URL in
// headless Chromium. It must render without errors or requests, draw its charts, and show the
// run's faults; a screenshot is kept in reports/browser/ (gitignored) for a person to look at.
import { existsSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeHtmlReport } from 'faultline/report';
import { reportScenario } from '../report/scenario.js';
import { CHROMIUM, chromiumPresent, openReportInChromium, type OpenedReport } from './open-report.js';

const REPORT = 'reports/browser/report.html';
const SCREENSHOT = 'reports/browser/report.png';

if (!chromiumPresent) console.warn(`report browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);

describe.skipIf(!chromiumPresent)('a run report in headless Chromium', () => {
  let opened: OpenedReport;

  beforeAll(async () => {
    const { sim, alerts, health } = reportScenario(7, true);
    writeHtmlReport(REPORT, {
      title: 'Three nodes under a crash, a partition and a pause',
      story: 'Three nodes ping each other every 20 ms. c crashes at 200 ms for 300 ms; a is cut off from b and c at 600 ms for 200 ms; b pauses at 850 ms for 60 ms.',
      tables: [{ caption: 'what happened', columns: ['fault', 'at ms', 'for ms'], rows: [['crash c', 200, 300], ['partition', 600, 200], ['pause b', 850, 60]] }],
      runs: [
        { label: 'the whole run', sim, metrics: ['pings_total', 'heard'], alerts, health: [{ checker: health!, check: 'c/liveness', label: 'liveness of c every 50 ms' }] },
        { label: 'the partition, closer', sim, fromMs: 580, untilMs: 830, metrics: ['pings_total'], alerts },
      ],
    });
    opened = await openReportInChromium(REPORT, { screenshotPath: SCREENSHOT });
  }, 120_000);

  it('renders with no console errors, no page errors and no requests beyond the file', () => {
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.externalRequests).toEqual([]);
  });

  it('draws each metric chart with uPlot', () => {
    // uPlot draws a chart on one canvas: three charts in all.
    expect(opened.canvases).toBe(3);
    expect(opened.text).toContain('pings_total per second');
  });

  it("shows the run's faults, the alert and the health check's verdicts", () => {
    expect(opened.text).toContain('Three nodes under a crash, a partition and a pause');
    for (const kind of ['crash', 'partition', 'pause']) expect(opened.text).toMatch(new RegExp(`^${kind}\\t`, 'm'));
    expect(opened.text).toContain('Alerts against the faults: 1 detected, 2 missed, 0 false alerts');
    expect(opened.text).toContain('Alerts against the faults: 0 detected, 1 missed, 0 false alerts');
    expect(opened.text).toContain('liveness of c every 50 ms');
  });

  it('keeps a screenshot as a test artefact', () => {
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(20_000);
  });
});
