/**
 * The showcase (`npm run demo`): the heartbeat cluster, then the four incidents, one after the
 * other, each broken and mitigated side by side.
 *
 * 1. A heartbeat cluster: what a crash looks like from inside, on a lossy network and drifting
 *    clocks (examples/heartbeat-cluster.ts).
 * 2. A Black-Friday surge on a payment platform: load balancing, autoscaling and load shedding,
 *    each added in turn (examples/incidents/payment-spike.ts).
 * 3. An IoT fleet partitioned on skewed clocks: wall-clock last-writer-wins against CRDTs on
 *    hybrid logical clocks (examples/incidents/iot-partition.ts).
 * 4. A power feed lost in an EV-charging network: drivers rerouted by health checks and failure
 *    detectors at several settings (examples/incidents/ev-charging.ts).
 * 5. Disks that wear out in a storage fleet: predictors scored on lead time, and a fleet drained
 *    ahead of failure (examples/predict-disk-failure.ts).
 *
 * Each part runs as its own program, as a reader would run it, and prints its own summary table
 * and trace hash; every incident writes its pictures and its HTML run report into `out/` (open
 * them in a browser). `--only <name>` runs one part (for instance `--only iot-partition`),
 * `--out dir` writes the pictures and reports there instead, `--list` prints the parts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One part of the showcase: a program of this folder and the lesson it teaches. */
interface Part {
  name: string;
  file: string;
  lesson: string;
}

const PARTS: readonly Part[] = [
  { name: 'heartbeat-cluster', file: 'heartbeat-cluster.ts', lesson: 'a crash seen from inside: suspicion, false suspicion, recovery' },
  { name: 'payment-spike', file: 'incidents/payment-spike.ts', lesson: 'a traffic spike: balance, scale out, shed load' },
  { name: 'iot-partition', file: 'incidents/iot-partition.ts', lesson: 'a partition on skewed clocks: what last-writer-wins loses, what CRDTs keep' },
  { name: 'ev-charging', file: 'incidents/ev-charging.ts', lesson: 'a power-feed outage: detect, reroute, and the cost of detecting too eagerly' },
  { name: 'predict-disk-failure', file: 'predict-disk-failure.ts', lesson: 'degrading disks: warn before they fail, drain ahead of the crash' },
];

const HERE = dirname(fileURLToPath(import.meta.url));

function partsToRun(argv: readonly string[]): readonly Part[] {
  const onlyAt = argv.indexOf('--only');
  if (onlyAt < 0) return PARTS;
  const name = argv[onlyAt + 1];
  const part = PARTS.find((candidate) => candidate.name === name);
  if (part === undefined) throw new Error(`--only takes one of ${PARTS.map((candidate) => candidate.name).join(', ')} (got ${JSON.stringify(name)})`);
  return [part];
}

function banner(index: number, part: Part): string {
  const title = `${index + 1}/${PARTS.length}  ${part.name}: ${part.lesson}`;
  const rule = '═'.repeat(Math.min(100, title.length + 4));
  return `\n${rule}\n  ${title}\n${rule}\n`;
}

/** Runs one part as its own program (through tsx, as `npx tsx examples/<file>` does). */
function runPart(part: Part, outDir: string | undefined): number {
  const file = join(HERE, part.file);
  if (!existsSync(file)) throw new Error(`missing example ${file}`);
  const args = outDir === undefined ? [] : ['--out', outDir];
  const child = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], { stdio: 'inherit' });
  return child.status ?? 1;
}

function outDirOf(argv: readonly string[]): string | undefined {
  const outAt = argv.indexOf('--out');
  if (outAt < 0) return undefined;
  const dir = argv[outAt + 1];
  if (dir === undefined || dir.startsWith('--')) throw new Error('--out takes a folder');
  return dir;
}

function main(argv: readonly string[]): number {
  if (argv.includes('--list')) {
    for (const part of PARTS) console.log(`${part.name.padEnd(22)}${part.lesson}`);
    return 0;
  }
  const outDir = outDirOf(argv);
  for (const part of partsToRun(argv)) {
    console.log(banner(PARTS.indexOf(part), part));
    const status = runPart(part, outDir);
    if (status !== 0) return status;
  }
  console.log(`\nPictures and HTML run reports: ${outDir ?? 'out'}/ (open the .html files in a browser).`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
