/**
 * Turns case results into the printed table, the ratio summary and the JSON document.
 */
import os from 'node:os';
import { DELIVERY } from './delivery.js';
import { FAULTLINE_QUEUE, FLATQUEUE } from './hold.js';
import { BASELINE_PHOLD, FAULTLINE_PHOLD, SIMJS_PHOLD } from './kernel.bench.js';
import type { CaseResult } from './measure.js';

/** A ratio between two measured cases (or a case and a fixed target). */
export interface Comparison {
  name: string;
  parameters: Record<string, number | string>;
  ratio: number;
  /** The ratio the project aims for: at least this. */
  target: number;
  met: boolean;
}

const MESSAGES_PER_SEC_TARGET = 2e6;
const QUEUE_RATIO_TARGET = 0.8;
/** Issue #6: PHOLD through the public API at >= 0.7x a hand-written typed-array heap, >= 2.5x SIM.JS. */
const PHOLD_BASELINE_TARGET = 0.7;
const PHOLD_SIMJS_TARGET = 2.5;

function describeParameters(parameters: Record<string, number | string>): string {
  return Object.entries(parameters)
    .map(([key, value]) => `${key}=${typeof value === 'number' ? compact(value) : value}`)
    .join(' ');
}

/** 100000 -> 1e5, 0.00001 -> 1e-5, 16 -> 16: short, exact forms for the table. */
function compact(value: number): string {
  if (value >= 1000 && Number.isInteger(Math.log10(value))) return `1e${Math.log10(value)}`;
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential();
  return String(value);
}

function formatRate(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k`;
  return value.toFixed(0);
}

const unitLabels = { opsPerSec: 'ops/s', eventsPerSec: 'events/s', messagesPerSec: 'msgs/s' } as const;

function sameParameters(left: CaseResult, right: CaseResult): boolean {
  return JSON.stringify(left.parameters) === JSON.stringify(right.parameters);
}

/** Pairs `numerator` cases with `denominator` cases of equal parameters in the same group. */
function ratios(results: readonly CaseResult[], group: string, numerator: string, denominator: string, target: number, label: string): Comparison[] {
  const comparisons: Comparison[] = [];
  for (const top of results) {
    if (top.group !== group || top.name !== numerator) continue;
    const bottom = results.find((other) => other.group === group && other.name === denominator && sameParameters(top, other));
    if (bottom === undefined) continue;
    const ratio = top.median / bottom.median;
    comparisons.push({ name: label, parameters: top.parameters, ratio, target, met: ratio >= target });
  }
  return comparisons;
}

/** The ratios the project tracks, each with its target. */
export function compare(results: readonly CaseResult[]): Comparison[] {
  const delivery = results
    .filter((result) => result.group === 'network delivery' && result.name === DELIVERY)
    .map((result) => ({
      name: `delivery / ${formatRate(MESSAGES_PER_SEC_TARGET)} msgs/s`,
      parameters: result.parameters,
      ratio: result.median / MESSAGES_PER_SEC_TARGET,
      target: 1,
      met: result.median >= MESSAGES_PER_SEC_TARGET,
    }));
  return [
    ...ratios(results, 'queue hold', FAULTLINE_QUEUE, FLATQUEUE, QUEUE_RATIO_TARGET, 'faultline / flatqueue'),
    ...delivery,
    ...ratios(results, 'phold', FAULTLINE_PHOLD, BASELINE_PHOLD, PHOLD_BASELINE_TARGET, 'faultline / baseline heap'),
    ...ratios(results, 'phold', FAULTLINE_PHOLD, SIMJS_PHOLD, PHOLD_SIMJS_TARGET, 'faultline / SIM.JS'),
  ];
}

function table(header: readonly string[], rows: readonly string[][], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function resultsTable(results: readonly CaseResult[]): string {
  const rows = results.map((result) => [
    result.group,
    result.name,
    describeParameters(result.parameters),
    `${formatRate(result.median)} ${unitLabels[result.metric]}`,
    `±${result.rmePercent.toFixed(1)}%`,
    String(result.runs),
  ]);
  return table(['group', 'case', 'parameters', 'median', 'rme', 'runs'], rows, new Set([3, 4, 5]));
}

export function comparisonsTable(comparisons: readonly Comparison[]): string {
  const rows = comparisons.map((comparison) => [
    comparison.name,
    describeParameters(comparison.parameters),
    comparison.ratio.toFixed(2),
    comparison.target > 0 ? `>= ${comparison.target.toFixed(2)}` : '-',
    comparison.target > 0 ? (comparison.met ? 'met' : 'MISSED') : '',
  ]);
  return table(['ratio', 'parameters', 'value', 'target', ''], rows, new Set([2, 3]));
}

/** The JSON document `--json` writes: one record per case, plus the tracked ratios. */
export function jsonDocument(results: readonly CaseResult[], comparisons: readonly Comparison[]): unknown {
  return {
    nodeVersion: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    date: new Date().toISOString(),
    results: results.map((result) => ({
      group: result.group,
      name: result.name,
      parameters: result.parameters,
      [result.metric]: result.median,
      statistic: 'median over runs',
      meanPerSec: result.mean,
      rmePercent: result.rmePercent,
      runs: result.runs,
      nodeVersion: result.nodeVersion,
    })),
    comparisons,
  };
}
