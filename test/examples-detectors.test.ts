import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumPresent, openReportInChromium } from './browser/open-report.js';
import { hashIn } from './example-runner.js';

const execFileAsync = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), 'faultline-shootout-'));
const firstReport = join(directory, 'first', 'shootout.html');
afterAll(() => rmSync(directory, { recursive: true, force: true }));

async function runShootout(out: string, report: string): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'examples/detector-shootout.ts', '--out', out, '--report', report], { encoding: 'utf8', cwd: process.cwd() });
  return stdout;
}

const DETECTORS = ['fixed 300ms', 'phi logistic 8', 'phi exact 8', 'exp-accrual 1.5', 'NFD-S δ=150', 'NFD-E α=150', 'Bertier', 'Satzger 0.99'];

describe('detector-shootout example', () => {
  it('takes a folder for --out, like the other examples, and writes the SVG and the report there', async () => {
    const folder = join(directory, 'folder');
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'examples/detector-shootout.ts', '--out', folder], { encoding: 'utf8', cwd: process.cwd() });
    expect(hashIn(stdout)).toBe('82f2788822f73f31');
    expect(readFileSync(join(folder, 'detector-tradeoff.svg'), 'utf8')).toMatch(/^<svg /);
    expect(existsSync(join(folder, 'detector-shootout.html'))).toBe(true);
  });

  it('prints the QoS table and the sweep, writes the SVG, and is reproducible', async () => {
    const first = join(directory, 'first.svg');
    const second = join(directory, 'second.svg');
    const [output, again] = await Promise.all([runShootout(first, firstReport), runShootout(second, join(directory, 'second', 'shootout.html'))]);
    expect(hashIn(again)).toBe(hashIn(output));
    expect(again).toBe(output.replace(first, second).replace(firstReport, join(directory, 'second', 'shootout.html')));
    expect(output).toMatch(/^detector +T_D mean +T_D max mistakes +λ_M \/s +T_M ms +P_A +partition +pause +overload +loss +delay$/m);
    for (const name of DETECTORS) {
      const row = output.split('\n').find((line) => line.startsWith(name));
      expect(row, name).toBeDefined();
      // T_D mean, T_D max, mistakes, λ_M, T_M, P_A, then five causes; partition and pause each caught.
      const numbers = row!.slice(16).trim().split(/ +/).map(Number);
      expect(numbers, name).toHaveLength(11);
      expect(numbers[0]!, name).toBeGreaterThan(0);
      expect(numbers[1]!, name).toBeGreaterThanOrEqual(numbers[0]!);
      expect(numbers[6], name).toBe(1);
      expect(numbers[7], name).toBe(1);
    }
    expect(output).toMatch(/threshold sweep/);
    // SWIM on the same faults: both crashes of a are confirmed dead within a few seconds.
    expect(output).toMatch(/^ {2}a's crashes first seen dead after \d+ ms and \d+ ms$/m);
    expect(output).toMatch(/^ {2}views of a live member: \d+ suspect, \d+ dead \(by cause: partition \d+, pause \d+, other \d+\)$/m);
    expect(output).toMatch(/^ {2}fixed timeout +timeoutMs +300 +T_D/m);
    expect(output).toContain(`wrote trade-off SVG to ${first}`);
    expect(existsSync(first)).toBe(true);
    const svg = readFileSync(first, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(5);
    expect(readFileSync(second, 'utf8')).toBe(svg);
    // The HTML report: the QoS table, a section per fault with the eight detectors' verdicts.
    expect(output).toContain(`wrote the HTML report to ${firstReport}`);
    const html = readFileSync(firstReport, 'utf8');
    expect(html.match(/<section class="run"/g)).toHaveLength(4);
    expect(readFileSync(join(directory, 'second', 'shootout.html'), 'utf8')).toBe(html);
    expect(hashIn(output)).toBe('82f2788822f73f31');
  }, 120_000);

  it.skipIf(!chromiumPresent)('opens the HTML report in headless Chromium with no errors and no requests, showing the verdicts', async () => {
    if (!existsSync(firstReport)) await runShootout(join(directory, 'browser.svg'), firstReport);
    const opened = await openReportInChromium(firstReport);
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
    expect(opened.externalRequests).toEqual([]);
    expect(opened.text).toContain('Detector shootout: eight failure detectors, one faulty network');
    expect(opened.text).toContain('b is partitioned from q at 20.03 s for 2 s');
    for (const name of DETECTORS) expect(opened.text, name).toMatch(new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\t`, 'm'));
  }, 120_000);
});
