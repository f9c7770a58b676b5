/**
 * Crash in an EV-charging network: a power feed fails and takes four charging stations down at
 * once. Twelve stations stand at three sites (north, centre, south), two cabinets a site, each
 * station in a zone (its site), a rack (its cabinet) and a power feed:
 *
 *   feed-east   north-1, north-2, centre-1, centre-2      (the feed that fails)
 *   feed-west   north-3, north-4, centre-3, centre-4
 *   feed-south  south-1 … south-4
 *
 * Drivers open the app about every 2 s (a Poisson stream, 26 minutes of them); each wants the
 * station nearest to them. The booking service reserves a charger over the stations' cellular
 * link (80 ms, 1 % loss) and tells the driver where to go; a station that does not answer a
 * reservation in 30 s is given up on. At 10 min 3.7 s feed-east goes dark (a `domain-outage` fault
 * on `{ power: 'feed-east' }`) and comes back 8 minutes later.
 *
 * The same drivers, the same outage, the booking service built eight ways:
 * - **nearest only, no checks**: each driver is booked at their own station or nowhere; a driver
 *   whose station is dark is told to wait and tries again each minute: stranded until the power
 *   returns.
 * - **any station, no checks**: redundancy without detection: the service falls back to the next
 *   nearest station, but only after a reservation times out, so each driver finds the dead
 *   stations for themselves, 30 s each.
 * - **health checks** (liveness probes from the booking service, `createHealthChecker`) at three
 *   speeds, and **failure detectors** fed by station heartbeats (`createDetectorWatch`):
 *   phi-accrual at threshold 8 with no pause allowance (Akka's default), the same with 10 s of
 *   acceptable pause, a fixed 15 s timeout. The service skips every station it believes down, so once the outage is detected a
 *   driver goes straight to a lit station on another feed.
 *
 * What to look for: detection buys most of the benefit; its speed sets how many drivers still
 * meet a dead station (affected) and how long they wait. Checks that decide on one missed probe
 * or heartbeat mark healthy stations down again and again on a 1 % lossy link (false downs), and
 * a driver who opens the app then is sent away from a working station (false reroute). Slow
 * checks are quiet but also slow to put the stations back when the power returns. Every verdict
 * is scored against `sim.truth` (`measureHealthQoS`, `measureQoS`).
 *
 * Writes out/ev-charging.svg (station lanes with the outage shaded; drivers waiting over time and
 * the false downs, per configuration) and out/ev-charging.html (`writeHtmlReport`: the summary
 * table, then per configuration the fault, who was down, the service's verdicts against the
 * truth and the messages over the outage's first 100 s, and the slow check at the power's return;
 * it opens offline in any browser).
 *
 * Run: npx tsx examples/incidents/ev-charging.ts [--out out]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createDetectorWatch,
  createHealthChecker,
  FixedTimeoutDetector,
  formatLanes,
  measureHealthQoS,
  measureQoS,
  PhiAccrualDetector,
  Simulation,
  withHealthEndpoint,
  withHeartbeats,
  type DetectorTransition,
  type DetectorWatch,
  type FailureDetector,
  type HealthChecker,
  type NodeBehaviour,
  type NodeDomains,
  type QoSMeasurement,
} from 'faultline';
import { writeHtmlReport, type RunSection } from 'faultline/report';

const SEED = 'ev-charging';
const MINUTE_MS = 60_000;
const RUN_MS = 30 * MINUTE_MS;
// Off the probes' and heartbeats' beat (they all started at 0), so detection times are not flattered.
const OUTAGE_AT_MS = 10 * MINUTE_MS + 3_700;
const OUTAGE_MS = 8 * MINUTE_MS;
const POWER_BACK_MS = OUTAGE_AT_MS + OUTAGE_MS;
const DRIVERS_UNTIL_MS = 26 * MINUTE_MS;
const MEAN_ARRIVAL_MS = 2_000;
/** A station that has not confirmed a reservation by then is given up on. */
const RESERVE_TIMEOUT_MS = 30_000;
/** A driver with no station to go to is asked to try again this much later. */
const RETRY_MS = MINUTE_MS;
const FAILED_FEED = 'feed-east';

const BOOKING = 'booking';
const DRIVERS = 'drivers';
const SITES = ['north', 'centre', 'south'] as const;
type Site = (typeof SITES)[number];
/** Sites by distance from each site: a driver's fallback order. */
const NEAREST_SITES: Record<Site, Site[]> = { north: ['north', 'centre', 'south'], centre: ['centre', 'north', 'south'], south: ['south', 'centre', 'north'] };

interface Station {
  id: string;
  site: Site;
  domains: NodeDomains;
}

const STATIONS: Station[] = SITES.flatMap((site) =>
  [1, 2, 3, 4].map((n): Station => ({
    id: `${site}-${n}`,
    site,
    domains: { zone: site, rack: `${site}-cabinet-${n <= 2 ? 1 : 2}`, power: site === 'south' ? 'feed-south' : n <= 2 ? 'feed-east' : 'feed-west' },
  })),
);
const STATION_IDS = STATIONS.map((station) => station.id);

/** How the booking service learns which stations are down. */
type Verdicts =
  | { kind: 'none' }
  | { kind: 'health'; intervalMs: number; timeoutMs: number; unhealthyThreshold: number; healthyThreshold: number }
  | { kind: 'detector'; heartbeatMs: number; detector: () => FailureDetector };

/** One way to build the booking service. */
export interface EvConfiguration {
  /** Short name, a table row. */
  name: string;
  /** Whether a driver may be sent to a station other than their nearest. */
  redundancy: boolean;
  verdicts: Verdicts;
}

/** The eight booking services compared, from the broken one to the tuned ones. */
export const CONFIGURATIONS: EvConfiguration[] = [
  { name: 'nearest only, no checks', redundancy: false, verdicts: { kind: 'none' } },
  { name: 'any station, no checks', redundancy: true, verdicts: { kind: 'none' } },
  { name: 'health 2s x1 (fast)', redundancy: true, verdicts: { kind: 'health', intervalMs: 2_000, timeoutMs: 1_000, unhealthyThreshold: 1, healthyThreshold: 1 } },
  { name: 'health 10s x3 (k8s)', redundancy: true, verdicts: { kind: 'health', intervalMs: 10_000, timeoutMs: 1_000, unhealthyThreshold: 3, healthyThreshold: 1 } },
  { name: 'health 30s x3 (slow)', redundancy: true, verdicts: { kind: 'health', intervalMs: 30_000, timeoutMs: 5_000, unhealthyThreshold: 3, healthyThreshold: 2 } },
  { name: 'phi 8, beat 5s', redundancy: true, verdicts: { kind: 'detector', heartbeatMs: 5_000, detector: () => new PhiAccrualDetector({ threshold: 8, firstHeartbeatEstimateMs: 5_000 }) } },
  {
    name: 'phi 8 + 10s pause',
    redundancy: true,
    verdicts: { kind: 'detector', heartbeatMs: 5_000, detector: () => new PhiAccrualDetector({ threshold: 8, firstHeartbeatEstimateMs: 5_000, acceptableHeartbeatPauseMs: 10_000 }) },
  },
  { name: 'timeout 15s, beat 5s', redundancy: true, verdicts: { kind: 'detector', heartbeatMs: 5_000, detector: () => new FixedTimeoutDetector({ timeoutMs: 15_000 }) } },
];

// ---- messages ----

interface BookRequest { type: 'book'; driver: string; home: string }
interface Reserve { type: 'reserve'; driver: string }
interface Reserved { type: 'reserved'; driver: string }
interface Booked { type: 'booked'; driver: string; station: string }
type Message = BookRequest | Reserve | Reserved | Booked;

// ---- what a run records (outside the nodes, like a harness) ----

interface DriverRecord {
  driver: string;
  home: string;
  requestMs: number;
  /** Every station the service sent the driver to, in order, with the true time. */
  assignments: Array<{ station: string; timeMs: number }>;
  /** Times the service had no station for the driver and asked them to wait. */
  toldToWaitMs: number[];
  bookedMs?: number;
  bookedAt?: string;
}

/** Which station to try first, then next, for a driver whose nearest station is `home`. */
function fallbackOrder(home: string, redundancy: boolean): string[] {
  if (!redundancy) return [home];
  const homeStation = STATIONS.find((station) => station.id === home)!;
  const sameSite = STATIONS.filter((station) => station.site === homeStation.site);
  const from = sameSite.indexOf(homeStation);
  const ring = [...sameSite.slice(from), ...sameSite.slice(0, from)];
  const others = NEAREST_SITES[homeStation.site].slice(1).flatMap((site) => STATIONS.filter((station) => station.site === site));
  return [...ring, ...others].map((station) => station.id);
}

// ---- the nodes ----

/** A charging station: it confirms a reservation, and answers health probes (its endpoint). */
const station: NodeBehaviour<Message> = (ctx) => ({
  onMessage(from, message) {
    if (message.type === 'reserve') ctx.send(from, { type: 'reserved', driver: message.driver });
  },
});

/** The drivers' phones: a Poisson stream of booking requests, each for the driver's nearest station. */
function driverStream(sim: Simulation, records: Map<string, DriverRecord>): NodeBehaviour<Message> {
  return (ctx) => ({
    onStart() {
      ctx.setTimer(ctx.rng.exponential(MEAN_ARRIVAL_MS), 'arrive');
    },
    onTimer() {
      const driver = `driver-${records.size + 1}`;
      const home = ctx.rng.pick(STATION_IDS);
      records.set(driver, { driver, home, requestMs: sim.now, assignments: [], toldToWaitMs: [] });
      ctx.send(BOOKING, { type: 'book', driver, home });
      const nextMs = sim.now + ctx.rng.exponential(MEAN_ARRIVAL_MS);
      if (nextMs < DRIVERS_UNTIL_MS) ctx.setTimer(nextMs - sim.now, 'arrive');
    },
    onMessage(_from, message) {
      if (message.type !== 'booked') return;
      const record = records.get(message.driver)!;
      record.bookedMs = sim.now;
      record.bookedAt = message.station;
    },
  });
}

interface Booking {
  driver: string;
  home: string;
  tried: Set<string>;
  current: string | undefined;
}

/**
 * The booking service: tries stations in the driver's fallback order, skipping any it believes
 * down (`isDown`) and any that already failed this driver; with none left, it tells the driver to
 * wait a minute and starts over.
 */
function bookingService(sim: Simulation, configuration: EvConfiguration, records: Map<string, DriverRecord>, isDown: (station: string) => boolean): NodeBehaviour<Message> {
  return (ctx) => {
    const bookings = new Map<string, Booking>();
    const sendToNextStation = (booking: Booking): void => {
      const next = fallbackOrder(booking.home, configuration.redundancy).find((id) => !booking.tried.has(id) && !isDown(id));
      const record = records.get(booking.driver)!;
      booking.current = next;
      if (next === undefined) {
        booking.tried.clear();
        record.toldToWaitMs.push(sim.now);
        ctx.setTimer(RETRY_MS, `retry:${booking.driver}`, booking.driver);
        return;
      }
      record.assignments.push({ station: next, timeMs: sim.now });
      ctx.send(next, { type: 'reserve', driver: booking.driver });
      ctx.setTimer(RESERVE_TIMEOUT_MS, `reserve:${booking.driver}`, booking.driver);
    };
    return {
      onMessage(from, message) {
        if (message.type === 'book') {
          const booking: Booking = { driver: message.driver, home: message.home, tried: new Set(), current: undefined };
          bookings.set(message.driver, booking);
          sendToNextStation(booking);
        } else if (message.type === 'reserved') {
          const booking = bookings.get(message.driver);
          if (booking === undefined || booking.current !== from) return; // late: the driver was sent elsewhere
          ctx.cancelTimer(`reserve:${message.driver}`);
          bookings.delete(message.driver);
          ctx.send(DRIVERS, { type: 'booked', driver: message.driver, station: from });
        }
      },
      onTimer(name, data) {
        const booking = bookings.get(data as string);
        if (booking === undefined) return;
        if (name.startsWith('reserve:') && booking.current !== undefined) booking.tried.add(booking.current);
        sendToNextStation(booking);
      },
    };
  };
}

// ---- one run ----

/** One configuration's run, measured against the truth. */
export interface EvRunResult {
  name: string;
  drivers: number;
  /** Drivers sent to a dead station, or told to wait, before being sent to a working one. */
  affected: number;
  /** Over affected drivers: time from opening the app to being sent to a working station. */
  meanWaitMs: number | undefined;
  maxWaitMs: number | undefined;
  /** Affected drivers told there was no station for them, and not sent to a working one until the power was back. */
  stranded: number;
  /** Drivers never booked by the end of the run. */
  unbooked: number;
  /** Drivers first sent away from their nearest station while it was working. */
  falseReroutes: number;
  /** Times the service marked a working station down (mistakes, over all stations). */
  falseDowns: number;
  /** Station-seconds a working station spent marked down. */
  falseDownSeconds: number;
  /** Mean and max time from the outage to the service marking each dark station down. */
  detectionMeanMs: number | undefined;
  detectionMaxMs: number | undefined;
  /** Mean time from the power's return to the dark stations being trusted again. */
  backInRotationMeanMs: number | undefined;
  /** Probes and replies, or heartbeats, per minute over all stations. */
  checkMessagesPerMinute: number;
  /** Per station, its QoS measured against `sim.truth` (none without checks). */
  qos: Record<string, QoSMeasurement>;
  /** Intervals during which each affected driver waited for a working station. */
  waits: Array<[number, number]>;
  /** Start times of the false downs. */
  falseDownTimesMs: number[];
  traceHash: string;
  /** The simulation, kept for reports. */
  sim: Simulation;
  /** The health checker or detector watch the service used, if any. */
  verdictSource: HealthChecker | DetectorWatch | undefined;
}

/** Runs the incident once under `configuration`; `trace` keeps the trace records (slower; same hash). */
export function runConfiguration(configuration: EvConfiguration, options: { seed?: string; trace?: boolean } = {}): EvRunResult {
  const sim = new Simulation({
    seed: options.seed ?? SEED,
    trace: options.trace === true ? { limit: 400_000 } : false,
    network: { link: { latency: { kind: 'normal', meanMs: 80, stdDevMs: 25 }, lossProbability: 0.01 } },
  });
  const { verdicts } = configuration;
  const records = new Map<string, DriverRecord>();
  for (const { id, domains } of STATIONS) {
    const behaviour = verdicts.kind === 'detector' ? withHeartbeats(station, { to: BOOKING, intervalMs: verdicts.heartbeatMs }) : station;
    sim.addNode(id, withHealthEndpoint(behaviour), { domains });
  }
  let source: HealthChecker | DetectorWatch | undefined;
  let isDown: (id: string) => boolean = () => false;
  if (verdicts.kind === 'health') {
    const health = createHealthChecker(sim, BOOKING, {
      checks: STATION_IDS.map((target) => ({
        target, kind: 'liveness' as const, intervalMs: verdicts.intervalMs, timeoutMs: verdicts.timeoutMs,
        unhealthyThreshold: verdicts.unhealthyThreshold, healthyThreshold: verdicts.healthyThreshold,
      })),
    });
    isDown = (id) => health.status(`${id}/liveness`) === 'unhealthy';
    source = health;
  } else if (verdicts.kind === 'detector') {
    const watch = createDetectorWatch(sim, BOOKING, { targets: STATION_IDS, detector: verdicts.detector, checkIntervalMs: 1_000 });
    isDown = (id) => !watch.isTrusted(id);
    source = watch;
  }
  const service = bookingService(sim, configuration, records, isDown);
  sim.addNode(BOOKING, source === undefined ? service : source.embedIn(service));
  sim.addNode(DRIVERS, driverStream(sim, records));
  // The app and the booking service talk over the phone network, which we take as reliable here.
  const app = { latency: { kind: 'normal' as const, meanMs: 40, stdDevMs: 10 }, lossProbability: 0 };
  sim.network.setLink(DRIVERS, BOOKING, app);
  sim.network.setLink(BOOKING, DRIVERS, app);
  sim.inject([{ kind: 'domain-outage', atMs: OUTAGE_AT_MS, durationMs: OUTAGE_MS, params: { domain: { power: FAILED_FEED } } }]);
  sim.run({ until: RUN_MS });
  return measure(sim, configuration, [...records.values()], source);
}

/** A detector watch's flips about `id` as the transitions `measureQoS` scores (the service's clock is exact). */
function watchTransitions(watch: DetectorWatch, id: string): DetectorTransition[] {
  return watch.verdicts
    .filter((verdict) => verdict.target === id)
    .map((verdict): DetectorTransition => ({ kind: verdict.trusted ? 'trust' : 'suspect', timeMs: verdict.timeMs, localTimeMs: verdict.timeMs }));
}

/** Per station, the service's verdicts scored against the truth. */
function verdictQoS(sim: Simulation, source: HealthChecker | DetectorWatch | undefined, heartbeatMs: number): Record<string, QoSMeasurement> {
  const qos: Record<string, QoSMeasurement> = {};
  if (source === undefined) return qos;
  for (const id of STATION_IDS) {
    if ('checkNames' in source) {
      qos[id] = measureHealthQoS(source, `${id}/liveness`, sim.truth, 0, RUN_MS);
    } else {
      qos[id] = measureQoS(watchTransitions(source, id), sim.truth, id, 0, RUN_MS, { monitor: BOOKING, intervalMs: heartbeatMs });
    }
  }
  return qos;
}

/** When the service trusted `id` again after the power came back (undefined: never took it out). */
function trustedAgainMs(source: HealthChecker | DetectorWatch, id: string): number | undefined {
  if ('checkNames' in source) return source.transitionsOf(`${id}/liveness`).find((flip) => flip.to === 'healthy' && flip.timeMs >= POWER_BACK_MS)?.timeMs;
  return source.verdicts.find((verdict) => verdict.target === id && verdict.trusted && verdict.timeMs >= POWER_BACK_MS)?.timeMs;
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function measure(sim: Simulation, configuration: EvConfiguration, drivers: DriverRecord[], source: HealthChecker | DetectorWatch | undefined): EvRunResult {
  const { truth } = sim;
  const waits: Array<[number, number]> = [];
  let falseReroutes = 0;
  let stranded = 0;
  for (const record of drivers) {
    const firstWorking = record.assignments.find((assignment) => truth.isUp(assignment.station, assignment.timeMs));
    const endMs = firstWorking?.timeMs ?? RUN_MS;
    const metDeadStation = record.assignments.some((assignment) => assignment.timeMs < endMs && !truth.isUp(assignment.station, assignment.timeMs));
    const toldToWait = record.toldToWaitMs.some((timeMs) => timeMs < endMs);
    if (metDeadStation || toldToWait) waits.push([record.requestMs, endMs]);
    // Stranded: the service had nowhere to send them until the power came back.
    if (toldToWait && endMs >= POWER_BACK_MS) stranded++;
    const first = record.assignments[0];
    if (first !== undefined && first.station !== record.home && truth.isUp(record.home, first.timeMs)) falseReroutes++;
  }
  const heartbeatMs = configuration.verdicts.kind === 'detector' ? configuration.verdicts.heartbeatMs : configuration.verdicts.kind === 'health' ? configuration.verdicts.intervalMs : 1;
  const qos = verdictQoS(sim, source, heartbeatMs);
  const scored = Object.values(qos);
  const mistakes = scored.flatMap((measurement) => measurement.mistakes);
  const detections = scored.filter((measurement) => measurement.crashes > 0).map((measurement) => measurement.detectionTime.maxMs ?? Infinity);
  const darkStations = sim.truth.domainMembers({ power: FAILED_FEED });
  const backIn = source === undefined ? [] : darkStations.map((id) => (trustedAgainMs(source, id) ?? RUN_MS) - POWER_BACK_MS);
  const waitTimes = waits.map(([from, to]) => to - from);
  const { verdicts } = configuration;
  return {
    name: configuration.name,
    drivers: drivers.length,
    affected: waits.length,
    meanWaitMs: mean(waitTimes),
    maxWaitMs: waitTimes.length === 0 ? undefined : Math.max(...waitTimes),
    stranded,
    unbooked: drivers.filter((record) => record.bookedMs === undefined).length,
    falseReroutes,
    falseDowns: mistakes.length,
    falseDownSeconds: mistakes.reduce((sum, mistake) => sum + (mistake.durationMs ?? 0), 0) / 1_000,
    detectionMeanMs: mean(detections),
    detectionMaxMs: detections.length === 0 ? undefined : Math.max(...detections),
    backInRotationMeanMs: mean(backIn),
    checkMessagesPerMinute:
      verdicts.kind === 'health' ? (2 * STATIONS.length * MINUTE_MS) / verdicts.intervalMs
      : verdicts.kind === 'detector' ? (STATIONS.length * MINUTE_MS) / verdicts.heartbeatMs
        : 0,
    qos,
    waits,
    falseDownTimesMs: mistakes.map((mistake) => mistake.startMs).sort((a, b) => a - b),
    traceHash: sim.traceHash(),
    sim,
    verdictSource: source,
  };
}

// ---- the report ----

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1_000).toFixed(1));

const SUMMARY_COLUMNS = ['configuration', 'drivers', 'affected', 'wait mean s', 'wait max s', 'stranded', 'false downs', 'false reroutes', 'detect mean s', 'detect max s', 'back in s', 'check msgs/min'];

/** The summary table, one row per configuration. */
export function summaryTable(results: readonly EvRunResult[]): string[] {
  const header = SUMMARY_COLUMNS;
  const rows = results.map((result) => [
    result.name,
    String(result.drivers),
    String(result.affected),
    seconds(result.meanWaitMs),
    seconds(result.maxWaitMs),
    String(result.stranded),
    result.verdictSource === undefined ? '-' : String(result.falseDowns),
    String(result.falseReroutes),
    seconds(result.detectionMeanMs),
    seconds(result.detectionMaxMs),
    seconds(result.backInRotationMeanMs),
    String(result.checkMessagesPerMinute),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (cells: string[]): string => `  ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}`;
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format)];
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** What the table says, in sentences, every number taken from the runs. */
function summaryRows(results: readonly EvRunResult[]): Array<Array<string | number | null>> {
  const inSeconds = (ms: number | undefined): number | null => (ms === undefined ? null : Math.round(ms / 100) / 10);
  return results.map((result) => [
    result.name, result.drivers, result.affected, inSeconds(result.meanWaitMs), inSeconds(result.maxWaitMs), result.stranded,
    result.verdictSource === undefined ? null : result.falseDowns, result.falseReroutes, inSeconds(result.detectionMeanMs),
    inSeconds(result.detectionMaxMs), inSeconds(result.backInRotationMeanMs), result.checkMessagesPerMinute,
  ]);
}

function lessons(results: readonly EvRunResult[]): string[] {
  const byName = (name: string): EvRunResult => results.find((result) => result.name === name)!;
  const [nearest, anyStation, fast, k8s, slow, phi, phiPause, timeout] = [
    'nearest only, no checks', 'any station, no checks', 'health 2s x1 (fast)', 'health 10s x3 (k8s)',
    'health 30s x3 (slow)', 'phi 8, beat 5s', 'phi 8 + 10s pause', 'timeout 15s, beat 5s',
  ].map(byName) as [EvRunResult, EvRunResult, EvRunResult, EvRunResult, EvRunResult, EvRunResult, EvRunResult, EvRunResult];
  return [
    'What happened',
    `  - No checks, no fallback: ${nearest.stranded} of ${plural(nearest.affected, 'affected driver')} stranded until the power came back (mean wait ${seconds(nearest.meanWaitMs)} s, max ${seconds(nearest.maxWaitMs)} s).`,
    `  - A fallback alone gets them charging, but each driver meets the dead stations first, ${RESERVE_TIMEOUT_MS / 1_000} s each:`,
    `    ${plural(anyStation.affected, 'driver')} affected, mean wait ${seconds(anyStation.meanWaitMs)} s, max ${seconds(anyStation.maxWaitMs)} s.`,
    `  - Detection confines the damage to the drivers who came before it: health checks saw the outage after ${seconds(fast.detectionMeanMs)} s (fast),`,
    `    ${seconds(k8s.detectionMeanMs)} s (k8s) and ${seconds(slow.detectionMeanMs)} s (slow): ${fast.affected}, ${k8s.affected} and ${plural(slow.affected, 'driver')} affected.`,
    `  - Speed has a price on a 1 % lossy link: the fast check (one failed probe is enough) marked a working station down`,
    `    ${plural(fast.falseDowns, 'time')} and sent ${plural(fast.falseReroutes, 'driver')} away from a working station; k8s: ${plural(k8s.falseDowns, 'false down')}.`,
    `  - Phi-accrual (threshold 8, no pause allowance) on 5 s heartbeats detected in ${seconds(phi.detectionMeanMs)} s but made ${plural(phi.falseDowns, 'false down')};`,
    `    10 s of acceptable pause: ${plural(phiPause.falseDowns, 'false down')}, detection ${seconds(phiPause.detectionMeanMs)} s; a fixed 15 s timeout: ${plural(timeout.falseDowns, 'false down')}, ${seconds(timeout.detectionMeanMs)} s.`,
    `  - Slow checks are slow both ways: after the power returned the slow check kept the stations out for ${seconds(slow.backInRotationMeanMs)} s`,
    `    (${plural(slow.falseReroutes, 'driver')} sent away from a working station), heartbeats brought them back in ${seconds(timeout.backInRotationMeanMs)} s.`,
  ];
}

/** Everything the example printed and wrote, for tests and the showcase. */
export interface EvChargingResult {
  results: EvRunResult[];
  report: string;
  svgFile: string;
  htmlFile: string;
  traceHash: string;
}

/** Runs every configuration, prints nothing, writes the SVG and the HTML report, and returns the report text. */
export function runEvCharging(options: { outDir?: string; seed?: string } = {}): EvChargingResult {
  const outDir = options.outDir ?? 'out';
  // Traced for the lanes and the report's space-time diagrams (the hash is the same without).
  const results = CONFIGURATIONS.map((configuration) => runConfiguration(configuration, { seed: options.seed ?? SEED, trace: true }));
  mkdirSync(outDir, { recursive: true });
  const svgFile = join(outDir, 'ev-charging.svg');
  writeFileSync(svgFile, evChargingSvg(results));
  const htmlFile = writeHtmlReport(join(outDir, 'ev-charging.html'), {
    title: 'Crash in an EV-charging network: a power feed fails',
    story: HTML_STORY,
    tables: [{ caption: 'The same drivers and the same outage, eight booking services (whole run; seconds)', columns: SUMMARY_COLUMNS, rows: summaryRows(results) }],
    runs: reportSections(results),
  });
  // One hash for the eight runs: if any run changes, it changes.
  const traceHash = createHash('sha256').update(results.map((result) => result.traceHash).join(' ')).digest('hex').slice(0, 16);
  const first = results[0]!;
  const report = [
    'Crash in an EV-charging network: power feed feed-east fails at 10:03.7 for 8 min and takes four stations down',
    `${STATIONS.length} stations at 3 sites, a driver about every ${MEAN_ARRIVAL_MS / 1_000} s for 26 min (${first.drivers} drivers), reservations time out after ${RESERVE_TIMEOUT_MS / 1_000} s.`,
    '',
    'Who had power (the truth; 30 min across):',
    formatLanes(first.sim.trace!.records(), { nodes: STATION_IDS, untilMs: RUN_MS, columns: 60 }),
    '',
    'Drivers and verdicts per configuration (waits: from opening the app to being sent to a working station;',
    'false downs: a working station marked down, scored against sim.truth):',
    ...summaryTable(results),
    '',
    ...lessons(results),
    '',
    `wrote ${svgFile} and ${htmlFile} (open it in a browser)`,
    '',
    `trace hash ${traceHash}`,
  ].join('\n');
  return { results, report, svgFile, htmlFile, traceHash };
}

// ---- the HTML report ----

const HTML_STORY = [
  `Twelve charging stations stand at three sites; feed-east powers north-1, north-2, centre-1 and centre-2. It fails at 10 min 3.7 s and comes back 8 minutes later (a domain-outage fault on { power: 'feed-east' }). Drivers open the app about every ${MEAN_ARRIVAL_MS / 1_000} s; the booking service reserves a charger at their nearest station, over a cellular link with 1 % loss, and gives a station ${RESERVE_TIMEOUT_MS / 1_000} s to answer.`,
  'The same drivers and the same outage meet eight booking services: one that only knows each driver\'s nearest station, one that falls back to the next nearest only after a timeout, three that run liveness health checks on every station, and three that judge the stations by their heartbeats with a failure detector. Every verdict is scored against the truth.',
  'Each section below shows the first 100 s of the outage under one booking service: the fault, who was down, when the service believed each station down (green: right, orange: a working station marked down), its detection times and mistakes in that window against the truth, and the messages between the drivers\' app, the service and the stations. The last section shows the slow health check when the power returns: the stations are up, the service still sends drivers away. The table above counts the whole run.',
].join('\n\n');

/** The window each configuration's section shows: the first 100 s of the outage, when it is detected or not. */
const OUTAGE_WINDOW = { fromMs: OUTAGE_AT_MS - 20_000, untilMs: OUTAGE_AT_MS + 100_000 };
/** And the power's return, shown for the slow check that keeps the stations out. */
const RETURN_WINDOW = { fromMs: POWER_BACK_MS - 10_000, untilMs: POWER_BACK_MS + 80_000 };

/** One configuration's section: its verdicts about every station, against the truth, over `window`. */
function reportSection(result: EvRunResult, window: { fromMs: number; untilMs: number }, label: string = result.name): RunSection {
  const section: RunSection = {
    label,
    sim: result.sim,
    story: `Over the whole run: ${result.affected} drivers affected (mean wait ${seconds(result.meanWaitMs)} s, max ${seconds(result.maxWaitMs)} s), ${result.stranded} stranded, ${result.falseReroutes} sent away from a working station.`,
    nodes: [DRIVERS, BOOKING, ...STATION_IDS],
    ...window,
  };
  const source = result.verdictSource;
  if (source === undefined) return section;
  if ('checkNames' in source) return { ...section, health: STATION_IDS.map((id) => ({ checker: source, check: `${id}/liveness`, label: `${id} liveness` })) };
  return { ...section, detectors: STATION_IDS.map((id) => ({ label: `${id} heartbeats`, node: id, transitions: watchTransitions(source, id) })) };
}

/** A section per configuration over the outage's first 100 s, then the slow check at the power's return. */
function reportSections(results: readonly EvRunResult[]): RunSection[] {
  const slow = results.find((result) => result.name === 'health 30s x3 (slow)')!;
  return [...results.map((result) => reportSection(result, OUTAGE_WINDOW)), reportSection(slow, RETURN_WINDOW, `${slow.name}: when the power returns`)];
}

// ---- the picture ----

const SVG_WIDTH = 960;
const LEFT = 170;
const RIGHT = 20;
const PLOT_WIDTH = SVG_WIDTH - LEFT - RIGHT;
const x = (timeMs: number): number => LEFT + (timeMs / RUN_MS) * PLOT_WIDTH;
const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fixed = (value: number): string => value.toFixed(1);

/** How many drivers were waiting for a working station at each step of `stepMs`. */
function waitingOverTime(waits: ReadonlyArray<[number, number]>, stepMs: number): number[] {
  const counts: number[] = [];
  for (let t = 0; t <= RUN_MS; t += stepMs) counts.push(waits.filter(([from, to]) => from <= t && t < to).length);
  return counts;
}

/** Intervals during which the service believed station `id` down, from its verdict flips. */
function believedDownIntervals(source: HealthChecker | DetectorWatch, id: string): Array<[number, number]> {
  const flips = 'checkNames' in source
    ? source.transitionsOf(`${id}/liveness`).map((flip) => ({ down: flip.to === 'unhealthy', timeMs: flip.timeMs }))
    : source.verdicts.filter((verdict) => verdict.target === id).map((verdict) => ({ down: !verdict.trusted, timeMs: verdict.timeMs }));
  const intervals: Array<[number, number]> = [];
  let downSinceMs: number | undefined;
  for (const flip of flips) {
    if (flip.down && downSinceMs === undefined) downSinceMs = flip.timeMs;
    else if (!flip.down && downSinceMs !== undefined) {
      intervals.push([downSinceMs, flip.timeMs]);
      downSinceMs = undefined;
    }
  }
  if (downSinceMs !== undefined) intervals.push([downSinceMs, RUN_MS]);
  return intervals;
}

/** Station lanes (up / down from the truth, outage shaded), then per configuration the drivers waiting and the false downs. */
export function evChargingSvg(results: readonly EvRunResult[]): string {
  const laneHeight = 14;
  const lanesTop = 40;
  const lanesBottom = lanesTop + STATION_IDS.length * laneHeight;
  const chartHeight = 56;
  const chartGap = 16;
  const chartsTop = lanesBottom + 40;
  const height = chartsTop + results.length * (chartHeight + chartGap) + 30;
  const stepMs = 5_000;
  const peak = Math.max(1, ...results.map((result) => Math.max(...waitingOverTime(result.waits, stepMs))));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SVG_WIDTH}" height="${height}" viewBox="0 0 ${SVG_WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${SVG_WIDTH}" height="${height}" fill="white"/>`,
    `<text x="${LEFT}" y="18" font-size="14" font-weight="bold">EV charging: feed-east fails at 10:03.7 for 8 min</text>`,
    `<rect x="${fixed(x(OUTAGE_AT_MS))}" y="${lanesTop - 6}" width="${fixed(x(POWER_BACK_MS) - x(OUTAGE_AT_MS))}" height="${height - lanesTop - 20}" fill="#fde2c8" opacity="0.6"/>`,
    `<text x="${fixed(x(OUTAGE_AT_MS) + 4)}" y="${lanesTop - 9}" fill="#a0522d">power outage</text>`,
  ];
  const truth = results[0]!.sim.truth;
  STATIONS.forEach((entry, index) => {
    const y = lanesTop + index * laneHeight;
    parts.push(`<text x="${LEFT - 8}" y="${y + 10}" text-anchor="end">${escapeXml(`${entry.id} (${entry.domains.power})`)}</text>`);
    parts.push(`<rect x="${LEFT}" y="${y + 2}" width="${PLOT_WIDTH}" height="${laneHeight - 4}" fill="#2ca02c"/>`);
    for (const [from, to] of truth.downIntervals(entry.id, RUN_MS)) {
      parts.push(`<rect x="${fixed(x(from))}" y="${y + 2}" width="${fixed(x(to) - x(from))}" height="${laneHeight - 4}" fill="#d62728"/>`);
    }
  });
  parts.push(`<text x="${LEFT}" y="${lanesBottom + 14}" fill="#555">green: station up, red: down (sim.truth)</text>`);
  parts.push(`<text x="${LEFT}" y="${chartsTop - 10}" font-weight="bold">drivers waiting for a working station (0 to ${peak}); purple: north-1 believed down; red ticks: a working station marked down</text>`);
  results.forEach((result, index) => {
    const top = chartsTop + index * (chartHeight + chartGap);
    const bottom = top + chartHeight;
    const counts = waitingOverTime(result.waits, stepMs);
    const points = counts.map((count, step) => `${fixed(x(step * stepMs))},${fixed(bottom - (count / peak) * (chartHeight - 8))}`);
    parts.push(`<text x="${LEFT - 8}" y="${top + chartHeight / 2}" text-anchor="end">${escapeXml(result.name)}</text>`);
    parts.push(`<line x1="${LEFT}" y1="${bottom}" x2="${LEFT + PLOT_WIDTH}" y2="${bottom}" stroke="#999"/>`);
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`);
    if (result.verdictSource !== undefined) {
      for (const [from, to] of believedDownIntervals(result.verdictSource, 'north-1')) {
        parts.push(`<rect x="${fixed(x(from))}" y="${bottom - chartHeight + 14}" width="${fixed(Math.max(1, x(to) - x(from)))}" height="5" fill="#9467bd"/>`);
      }
    }
    for (const timeMs of result.falseDownTimesMs) parts.push(`<line x1="${fixed(x(timeMs))}" y1="${bottom}" x2="${fixed(x(timeMs))}" y2="${bottom + 6}" stroke="#d62728"/>`);
    parts.push(`<text x="${LEFT + PLOT_WIDTH}" y="${top + 10}" text-anchor="end" fill="#555">${result.affected} affected, ${result.stranded} stranded, ${result.verdictSource === undefined ? 'no checks' : `${result.falseDowns} false downs`}</text>`);
  });
  const axisY = height - 12;
  for (let minute = 0; minute <= RUN_MS / MINUTE_MS; minute += 5) parts.push(`<text x="${fixed(x(minute * MINUTE_MS))}" y="${axisY}" text-anchor="middle" fill="#555">${minute} min</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

// ---- command line ----

function argument(argv: readonly string[], name: string): string | undefined {
  const position = argv.indexOf(name);
  return position >= 0 ? argv[position + 1] : undefined;
}

/** Runs the example as the command line does: `--out dir`, `--seed s`; prints the report. */
export function main(argv: readonly string[] = process.argv.slice(2)): EvChargingResult {
  const outDir = argument(argv, '--out');
  const seed = argument(argv, '--seed');
  const result = runEvCharging({ ...(outDir === undefined ? {} : { outDir }), ...(seed === undefined ? {} : { seed }) });
  console.log(result.report);
  return result;
}

// Run from the command line (not when a test or the showcase imports it).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
