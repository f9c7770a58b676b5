/**
 * Incident: a partition in an IoT fleet-tracking system.
 *
 * A delivery company tracks twelve vehicles from two regions, East (replicas e1, e2, e3) and West
 * (w1, w2, w3). Every 500 ms each vehicle reports to a replica of the region it is driving in:
 * its position (one register per vehicle), a finished delivery trip every third report (one
 * fleet-wide trip counter), and, with its first report, that it signed on for the shift (the set
 * of vehicles seen today). A replica acknowledges each report at once and gossips with two
 * other replicas every 100 ms (digest anti-entropy, as Dynamo and Cassandra repair).
 *
 * At 2 s the backbone between the regions is cut, both ways, for 4 s. Neither side stops: both
 * keep accepting reports, while three long-haul trucks cross from one region into the other and
 * two vehicles sign on late. Two clocks are wrong all along: e2's oscillator runs 10% fast, and at
 * 1 s a bad NTP server steps w1's clock 1.5 s back. The backbone is repaired at 6 s, as the shift
 * ends and the vehicles park, so what happens after the heal is reconciliation alone.
 *
 * The same fleet, faults and seed run twice, against two stores:
 * 1. wall-clock last-writer-wins (what many stores do): every value is a register stamped with
 *    the replica's wall clock; the trip count and the sign-on list are read, changed and written
 *    back. The replicas converge, but to a state that has silently dropped acknowledged reports:
 *    increments and sign-ons made concurrently on two replicas overwrite each other (within one
 *    gossip round even before the cut; for the whole cut during it), and a report stamped by a
 *    slow clock loses to an older one stamped by a fast clock.
 * 2. CRDTs on hybrid logical clocks: positions are LWW registers stamped by an HLC that the
 *    vehicle's last acknowledgement advances (each acknowledgement carries its stamp back, and the
 *    vehicle sends the latest with its next report, so its reports are ordered whichever replica
 *    takes them and whatever that replica's clock reads); the trip count is a G-Counter and the
 *    sign-ons an OR-Set, which merge instead of overwriting. Nothing acknowledged is lost. Both
 *    stores diverge alike during the cut and converge alike after it: the difference is what
 *    survives the merge.
 *
 * What to look for: the summary table (lost updates, divergence, time to converge, anti-entropy
 * spent), which reports the wall-clock store lost and why, and `out/iot-partition-divergence.svg`:
 * keys differing between replicas over time, the partition shaded. `out/iot-partition.html` is
 * the run report (open it in a browser): the summary table, then per store the faults, a
 * space-time diagram of the replicas and a long-haul truck, and charts of the divergence and
 * of the bytes anti-entropy sent. The checkers of
 * `faultline/check` score both runs: `checkLostUpdates` (last-writer-wins, counter and add-wins-set
 * rules) on the converged state, and `convergence`, checked after every event, for the time the
 * replicas took to agree after the heal.
 *
 * Run: npx tsx examples/incidents/iot-partition.ts [--out out]
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createDigestExchange,
  gCounter,
  HistoryRecorder,
  hybridLogicalClock,
  lwwRegister,
  orSet,
  regions,
  Simulation,
  type AntiEntropyExchange,
  type AntiEntropyHost,
  type AntiEntropyMessage,
  type CrdtState,
  type FaultSchedule,
  type GCounterState,
  type HlcTimestamp,
  type LwwRegisterState,
  type NodeBehaviour,
  type Operation,
  type OrSetState,
  type ReplicaStore,
} from 'faultline';
import { checkLostUpdates, convergence, type LostUpdatesResult, type UpdateInput } from 'faultline/check';
import { writeHtmlReport, type ReportTable, type RunSection } from 'faultline/report';

const EAST = ['e1', 'e2', 'e3'];
const WEST = ['w1', 'w2', 'w3'];
const REPLICAS = [...EAST, ...WEST];
const PARTITION = { fromMs: 2_000, toMs: 6_000 };
const SHIFT_ENDS_MS = PARTITION.toMs;
const RUN_FOR_MS = 9_000;
const REPORT_EVERY_MS = 500;
const TRIP_EVERY_REPORTS = 3;
const ANTI_ENTROPY_EVERY_MS = 100;
const ANTI_ENTROPY_FANOUT = 2;
const DIGEST_BUCKETS = 16;
const SAMPLE_EVERY_MS = 50;
/** The divergence as a metric (sampled into `sim.metrics`, for charts). */
const KEYS_DIFFERING = 'fleet_keys_differing';
/** West of this longitude a vehicle reports to West, east of it to East. */
const BORDER_LONGITUDE = -95;

type Place = readonly [latitude: number, longitude: number];
interface Vehicle {
  readonly id: string;
  readonly from: Place;
  readonly to: Place;
  /** When its shift starts (it signs on with its first report). */
  readonly startMs: number;
}

// Where each vehicle drives during the shift (linearly from `from` to `to`). v06, v07 and v08 are
// long-haul trucks that cross the border; v05 and v12 sign on while the regions are cut apart.
const VEHICLES: readonly Vehicle[] = [
  { id: 'v01', from: [40.71, -74.01], to: [39.95, -75.17], startMs: 10 }, // New York -> Philadelphia
  { id: 'v02', from: [42.36, -71.06], to: [41.76, -72.67], startMs: 110 }, // Boston -> Hartford
  { id: 'v03', from: [33.75, -84.39], to: [35.23, -80.84], startMs: 210 }, // Atlanta -> Charlotte
  { id: 'v04', from: [25.76, -80.19], to: [28.54, -81.38], startMs: 310 }, // Miami -> Orlando
  { id: 'v05', from: [38.91, -77.04], to: [39.29, -76.61], startMs: 3_010 }, // Washington -> Baltimore
  { id: 'v06', from: [41.88, -87.63], to: [39.74, -104.99], startMs: 410 }, // Chicago -> Denver
  { id: 'v07', from: [39.74, -104.99], to: [38.63, -90.2], startMs: 510 }, // Denver -> St. Louis
  { id: 'v08', from: [41.26, -95.93], to: [41.88, -87.63], startMs: 610 }, // Omaha -> Chicago
  { id: 'v09', from: [34.05, -118.24], to: [32.72, -117.16], startMs: 710 }, // Los Angeles -> San Diego
  { id: 'v10', from: [47.61, -122.33], to: [45.52, -122.68], startMs: 810 }, // Seattle -> Portland
  { id: 'v11', from: [33.45, -112.07], to: [32.22, -110.97], startMs: 910 }, // Phoenix -> Tucson
  { id: 'v12', from: [37.77, -122.42], to: [38.58, -121.49], startMs: 3_410 }, // San Francisco -> Sacramento
];

const FAULTS: FaultSchedule = [
  // The backbone cut: a partition between the replicas only (vehicles reach their region's replicas over the cellular network).
  { kind: 'partition-one-way', atMs: PARTITION.fromMs, durationMs: PARTITION.toMs - PARTITION.fromMs, params: { from: EAST, to: WEST } },
  { kind: 'partition-one-way', atMs: PARTITION.fromMs, durationMs: PARTITION.toMs - PARTITION.fromMs, params: { from: WEST, to: EAST } },
  { kind: 'clock-drift', atMs: 0, target: 'e2', params: { driftPpm: 100_000 } },
  { kind: 'clock-skew', atMs: 1_000, durationMs: RUN_FOR_MS - 1_000, target: 'w1', params: { deltaMs: -1_500 } },
];

type Report = { type: 'report'; seq: number; position: string; tripEnded: boolean; signOn: boolean; token: HlcTimestamp | null };
type Ack = { type: 'ack'; seq: number; stamp: HlcTimestamp };
type Message = Report | Ack | AntiEntropyMessage;

/** What the fleet's dashboard reads from a store. */
interface FleetView {
  positions: Record<string, string>;
  trips: number;
  seen: string[];
}

/** How a store records a report and how the dashboard reads it back: the one thing the two runs change. */
interface FleetStore {
  readonly name: string;
  /** The timestamp of a report; `clock` is the replica's hybrid logical clock, for the stores that keep one. */
  stamp(report: Report, replica: { id: string; now(): number }, clock: HlcTimestamp): HlcTimestamp;
  record(store: ReplicaStore, report: Report, vehicle: string, replica: string, stamp: HlcTimestamp): ReplicaStore;
  read(store: ReplicaStore): FleetView;
}

const POSITION = (vehicle: string) => `position/${vehicle}`;
const TRIPS = 'fleet/trips';
const SEEN = 'fleet/seen';

function readPositions(store: ReplicaStore): Record<string, string> {
  const positions: Record<string, string> = {};
  for (const vehicle of VEHICLES) {
    const register = store[POSITION(vehicle.id)] as LwwRegisterState<string> | undefined;
    const value = register === undefined ? null : lwwRegister.value(register);
    if (value !== null) positions[POSITION(vehicle.id)] = value;
  }
  return positions;
}

/** Every value a register stamped with the replica's wall clock; counters and lists read-modify-write. */
const wallClockStore: FleetStore = {
  name: 'wall-clock LWW',
  stamp: (_report, replica) => ({ wallMs: replica.now(), logical: 0, node: replica.id }),
  record(store, report, vehicle, _replica, stamp) {
    const next: Record<string, CrdtState> = { ...store };
    const register = <T>(key: string) => (store[key] as LwwRegisterState<T> | undefined) ?? lwwRegister.empty<T>();
    next[POSITION(vehicle)] = lwwRegister.set(register<string>(POSITION(vehicle)), report.position, stamp);
    if (report.tripEnded) next[TRIPS] = lwwRegister.set(register<number>(TRIPS), (lwwRegister.value(register<number>(TRIPS)) ?? 0) + 1, stamp);
    if (report.signOn) next[SEEN] = lwwRegister.set(register<string[]>(SEEN), [...new Set([...(lwwRegister.value(register<string[]>(SEEN)) ?? []), vehicle])].sort(), stamp);
    return next;
  },
  read: (store) => ({
    positions: readPositions(store),
    trips: store[TRIPS] === undefined ? 0 : (lwwRegister.value(store[TRIPS] as LwwRegisterState<number>) ?? 0),
    seen: store[SEEN] === undefined ? [] : (lwwRegister.value(store[SEEN] as LwwRegisterState<string[]>) ?? []),
  }),
};

/** Positions on hybrid-logical-clock LWW registers (advanced past the vehicle's last acknowledgement), a G-Counter, an OR-Set. */
const crdtStore: FleetStore = {
  name: 'HLC + CRDTs',
  stamp: (report, replica, clock) => (report.token === null ? hybridLogicalClock.tick(clock, replica) : hybridLogicalClock.receive(clock, report.token, replica)),
  record(store, report, vehicle, replica, stamp) {
    const next: Record<string, CrdtState> = { ...store };
    next[POSITION(vehicle)] = lwwRegister.set((store[POSITION(vehicle)] as LwwRegisterState<string> | undefined) ?? lwwRegister.empty<string>(), report.position, stamp);
    if (report.tripEnded) next[TRIPS] = gCounter.increment((store[TRIPS] as GCounterState | undefined) ?? gCounter.empty(), replica);
    if (report.signOn) next[SEEN] = orSet.add((store[SEEN] as OrSetState | undefined) ?? orSet.empty(), replica, vehicle);
    return next;
  },
  read: (store) => ({
    positions: readPositions(store),
    trips: store[TRIPS] === undefined ? 0 : gCounter.value(store[TRIPS] as GCounterState),
    seen: store[SEEN] === undefined ? [] : orSet.elements(store[SEEN] as OrSetState),
  }),
};

interface ReplicaHandlers {
  readonly store: ReplicaStore;
  readonly exchange: AntiEntropyExchange;
  readonly bytesSent: number;
}

/** A replica: applies reports to its store, acknowledges them, and runs digest anti-entropy with the other replicas. */
function replica(fleetStore: FleetStore): NodeBehaviour<Message> {
  return (ctx) => {
    let store: ReplicaStore = {};
    let clock = hybridLogicalClock.create(ctx);
    let bytesSent = 0;
    // Anti-entropy talks to replicas only (the vehicles are peers too), and its bytes are counted.
    const host: AntiEntropyHost = {
      id: ctx.id,
      peers: REPLICAS.filter((id) => id !== ctx.id),
      rng: ctx.rng,
      setTimer: (delayMs, name) => ctx.setTimer(delayMs, name),
      send: (to, message) => {
        const bytes = JSON.stringify(message).length;
        bytesSent += bytes;
        ctx.metrics.counter('anti_entropy_bytes_total', { help: 'Bytes (as JSON) of anti-entropy messages sent' }).inc(bytes);
        ctx.send(to, message);
      },
    };
    const exchange = createDigestExchange(host, { read: () => store, write: (next) => { store = next; }, intervalMs: ANTI_ENTROPY_EVERY_MS, fanout: ANTI_ENTROPY_FANOUT, bucketCount: DIGEST_BUCKETS });
    return {
      get store() { return store; },
      get bytesSent() { return bytesSent; },
      exchange,
      onStart() { exchange.start(); },
      onTimer(name) { exchange.handleTimer(name); },
      onMessage(from, message) {
        if (exchange.handleMessage(from, message) || message.type !== 'report') return;
        const stamp = fleetStore.stamp(message, ctx, clock);
        clock = stamp; // the last stamp issued: for the HLC store, its clock (the wall-clock store never reads it)
        store = fleetStore.record(store, message, from, ctx.id, stamp);
        ctx.send(from, { type: 'ack', seq: message.seq, stamp });
      },
    };
  };
}

/** What the vehicles were acknowledged for, one history per data type, in the checkers' format. */
interface Histories {
  positions: HistoryRecorder<UpdateInput, unknown>;
  trips: HistoryRecorder<UpdateInput, unknown>;
  signOns: HistoryRecorder<UpdateInput, unknown>;
}

function placeAt(vehicle: Vehicle, atMs: number): Place {
  const progress = Math.min(1, atMs / SHIFT_ENDS_MS);
  return [vehicle.from[0] + (vehicle.to[0] - vehicle.from[0]) * progress, vehicle.from[1] + (vehicle.to[1] - vehicle.from[1]) * progress];
}

/** A vehicle: reports every 500 ms to a replica of the region it is in, one report in flight at a time. */
function vehicle(spec: Vehicle, histories: Histories, sim: Simulation): NodeBehaviour<Message> {
  return (ctx) => {
    let seq = 0;
    let token: HlcTimestamp | null = null; // the latest stamp acknowledged to it: its causal past
    let pending: { seq: number; operations: Array<[HistoryRecorder<UpdateInput, unknown>, number]> } | undefined;
    const report = () => {
      const [latitude, longitude] = placeAt(spec, ctx.now());
      const region = longitude > BORDER_LONGITUDE ? EAST : WEST;
      const message: Report = { type: 'report', seq: ++seq, position: `#${seq} ${latitude.toFixed(2)},${longitude.toFixed(2)}`, tripEnded: seq % TRIP_EVERY_REPORTS === 0, signOn: seq === 1, token };
      const operations: Array<[HistoryRecorder<UpdateInput, unknown>, number]> = [[histories.positions, histories.positions.invoke(spec.id, { kind: 'write', value: message.position }, sim.now, POSITION(spec.id))]];
      if (message.tripEnded) operations.push([histories.trips, histories.trips.invoke(spec.id, { kind: 'increment', amount: 1 }, sim.now)]);
      if (message.signOn) operations.push([histories.signOns, histories.signOns.invoke(spec.id, { kind: 'add', value: spec.id }, sim.now)]);
      pending = { seq, operations };
      ctx.send(region[ctx.rng.int(0, region.length - 1)]!, message);
    };
    return {
      onStart() { ctx.setTimer(spec.startMs, 'report'); },
      onTimer() {
        if (ctx.now() >= SHIFT_ENDS_MS) return; // parked for the night
        if (pending === undefined) report();
        ctx.setTimer(REPORT_EVERY_MS, 'report');
      },
      onMessage(from, message) {
        if (message.type !== 'ack' || pending?.seq !== message.seq) return;
        for (const [history, id] of pending.operations) history.ok(id, from, sim.now); // output: the replica that acknowledged
        if (token === null || hybridLogicalClock.compare(message.stamp, token) > 0) token = message.stamp;
        pending = undefined;
      },
    };
  };
}

/** One store's run, scored. */
export interface StoreRun {
  name: string;
  positions: LostUpdatesResult;
  /** Acknowledged trip increments, and the converged count. */
  trips: { acknowledged: number; final: number; lost: number; holds: boolean };
  signOns: LostUpdatesResult;
  /** The position writes, acknowledged (output: the replica that acknowledged) or not. */
  positionHistory: ReadonlyArray<Operation<unknown, unknown>>;
  /** Keys whose state is not the same on all six replicas, sampled every 50 ms. */
  divergence: Array<{ atMs: number; keys: number }>;
  maxDivergence: number;
  /** Time from the heal until the replicas all agreed (checked after every event); undefined: never. */
  convergedAfterMs: number | undefined;
  antiEntropy: { messages: number; entries: number; hashes: number; bytes: number };
  final: FleetView;
  /** The clocks' errors at the heal, from the ground truth. */
  clockErrorsAtHealMs: Record<string, number>;
  traceHash: string;
  sim: Simulation;
}

function runFleet(fleetStore: FleetStore): StoreRun {
  const sim = new Simulation({
    seed: 'iot-partition',
    trace: true,
    network: regions({
      intra: { latency: { kind: 'uniform', minMs: 1, maxMs: 3 } },
      inter: { latency: { kind: 'normal', meanMs: 35, stdDevMs: 4 } },
      link: { latency: { kind: 'uniform', minMs: 15, maxMs: 40 } }, // vehicles, over the cellular network
    }),
  });
  const histories: Histories = { positions: new HistoryRecorder(), trips: new HistoryRecorder(), signOns: new HistoryRecorder() };
  for (const id of EAST) sim.addNode(id, replica(fleetStore), { region: 'east' });
  for (const id of WEST) sim.addNode(id, replica(fleetStore), { region: 'west' });
  for (const spec of VEHICLES) sim.addNode(spec.id, vehicle(spec, histories, sim));
  sim.inject(FAULTS);

  const stores = () => Object.fromEntries(REPLICAS.map((id) => [id, sim.node<ReplicaHandlers>(id).handlers.store]));
  const divergence: StoreRun['divergence'] = [];
  sim.metrics.configure({ intervalMs: SAMPLE_EVERY_MS });
  const keysDiffering = sim.metrics.gauge(KEYS_DIFFERING, { help: 'Keys whose state is not the same on all six replicas' });
  const sample = () => {
    divergence.push({ atMs: sim.now, keys: differingKeys(Object.values(stores())) });
    keysDiffering.set(divergence.at(-1)!.keys);
    if (sim.now + SAMPLE_EVERY_MS <= RUN_FOR_MS) sim.schedule(SAMPLE_EVERY_MS, sample);
  };
  sim.scheduleAt(0, sample);

  const converged = convergence<null, ReplicaStore>({ replicas: stores, fromMs: PARTITION.toMs, withinMs: RUN_FOR_MS - PARTITION.toMs });
  let notConverged: string | undefined;
  while (sim.nextEventTime() <= RUN_FOR_MS && sim.step()) {
    const verdict = converged.invariant.check(null, sim);
    if (verdict !== true) notConverged ??= String(verdict);
  }
  const atEnd = converged.atEnd.check(null, sim);
  if (notConverged !== undefined || atEnd !== true) throw new Error(`${fleetStore.name}: the replicas did not converge: ${notConverged ?? String(atEnd)}`);

  const final = fleetStore.read(stores()['e1']!);
  const acknowledgedTrips = histories.trips.operations().filter((operation) => operation.status === 'ok').length;
  const tripsCheck = checkLostUpdates(histories.trips.operations(), final.trips, 'counter');
  const costs = REPLICAS.map((id) => sim.node<ReplicaHandlers>(id).handlers);
  return {
    name: fleetStore.name,
    positions: checkLostUpdates(histories.positions.operations(), final.positions, 'last-writer-wins'),
    trips: { acknowledged: acknowledgedTrips, final: final.trips, lost: Math.max(0, acknowledgedTrips - final.trips), holds: tripsCheck.holds },
    signOns: checkLostUpdates(histories.signOns.operations(), final.seen, 'add-wins-set'),
    positionHistory: histories.positions.operations(),
    divergence,
    maxDivergence: Math.max(...divergence.map((point) => point.keys)),
    convergedAfterMs: converged.measure(sim).tookMs,
    antiEntropy: {
      messages: costs.reduce((sum, handlers) => sum + handlers.exchange.cost.messagesSent, 0),
      entries: costs.reduce((sum, handlers) => sum + handlers.exchange.cost.entriesSent, 0),
      hashes: costs.reduce((sum, handlers) => sum + handlers.exchange.cost.hashesSent, 0),
      bytes: costs.reduce((sum, handlers) => sum + handlers.bytesSent, 0),
    },
    final,
    clockErrorsAtHealMs: Object.fromEntries(REPLICAS.map((id) => [id, sim.truth.clockOffset(id, PARTITION.toMs)])),
    traceHash: sim.traceHash(),
    sim,
  };
}

/** Keys whose state differs between any two of the stores. */
function differingKeys(stores: readonly ReplicaStore[]): number {
  const keys = new Set(stores.flatMap((store) => Object.keys(store)));
  let differing = 0;
  for (const key of keys) {
    const first = JSON.stringify(stores[0]![key] ?? null);
    if (stores.some((store) => JSON.stringify(store[key] ?? null) !== first)) differing++;
  }
  return differing;
}

/** Divergence over time for both stores, the partition shaded: a small hand-drawn SVG line chart. */
function divergenceSvg(runs: readonly StoreRun[]): string {
  const width = 760;
  const height = 300;
  const margin = { left: 50, right: 20, top: 36, bottom: 40 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const maxKeys = Math.max(1, ...runs.map((run) => run.maxDivergence));
  const x = (atMs: number) => margin.left + (atMs / RUN_FOR_MS) * plotWidth;
  const y = (keys: number) => margin.top + plotHeight - (keys / maxKeys) * plotHeight;
  const colours = ['#d62728', '#1f77b4'];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${margin.left}" y="20" font-size="14">Keys differing between the six replicas (sampled every ${SAMPLE_EVERY_MS} ms)</text>`,
    `<rect x="${x(PARTITION.fromMs)}" y="${margin.top}" width="${x(PARTITION.toMs) - x(PARTITION.fromMs)}" height="${plotHeight}" fill="#f2c94c" fill-opacity="0.3"/>`,
    `<text x="${x(PARTITION.fromMs) + 6}" y="${margin.top + 14}" fill="#8a6d00">East | West partition</text>`,
    `<text x="${x(PARTITION.toMs) + 6}" y="${margin.top + 14}" fill="#8a6d00">healed; shift over</text>`,
    `<line x1="${margin.left}" y1="${y(0)}" x2="${margin.left + plotWidth}" y2="${y(0)}" stroke="#333"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${y(0)}" stroke="#333"/>`,
  ];
  for (let atMs = 0; atMs <= RUN_FOR_MS; atMs += 1_000) parts.push(`<text x="${x(atMs)}" y="${y(0) + 16}" text-anchor="middle">${atMs / 1_000} s</text>`);
  for (let keys = 0; keys <= maxKeys; keys += Math.max(1, Math.ceil(maxKeys / 5))) parts.push(`<text x="${margin.left - 6}" y="${y(keys) + 4}" text-anchor="end">${keys}</text>`);
  runs.forEach((run, index) => {
    const points = run.divergence.map((point) => `${x(point.atMs).toFixed(1)},${y(point.keys).toFixed(1)}`).join(' ');
    // The second line is dashed: while both stores hold the same number of differing keys the lines coincide.
    parts.push(`<polyline points="${points}" fill="none" stroke="${colours[index % colours.length]}" stroke-width="2"${index > 0 ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${width - margin.right - 4}" y="${margin.top + 14 + 16 * (index + 1)}" text-anchor="end" fill="${colours[index % colours.length]}">${run.name}</text>`);
  });
  parts.push(`<text x="${margin.left + plotWidth / 2}" y="${height - 6}" text-anchor="middle">true time</text>`, '</svg>');
  return parts.join('\n');
}

function formatReport(runs: readonly StoreRun[], [svgPath, htmlPath]: readonly [string, string], traceHash: string): string {
  const [wall, crdt] = runs as [StoreRun, StoreRun];
  const signedOn = wall.signOns.acknowledged;
  const lines = [
    'IoT fleet tracking: East (e1-e3) and West (w1-w3) are cut apart from 2 s to 6 s; both keep accepting reports.',
    `${VEHICLES.length} vehicles report every ${REPORT_EVERY_MS} ms (position; a trip every ${TRIP_EVERY_REPORTS}rd report; a sign-on with the first); v06-v08 cross the border, v05 and v12 sign on during the cut.`,
    `Clocks: e2 runs 10% fast (${signed(wall.clockErrorsAtHealMs['e2']!)} ms at the heal), w1 stepped back 1.5 s at 1 s (${signed(wall.clockErrorsAtHealMs['w1']!)} ms).`,
    '',
    'Summary (checkLostUpdates on the converged state; convergence checked after every event)',
    `  ${'store'.padEnd(16)}${'positions lost'.padStart(16)}${'trips lost'.padStart(14)}${'sign-ons lost'.padStart(15)}${'max keys differing'.padStart(20)}${'converged after heal'.padStart(22)}${'anti-entropy msgs'.padStart(19)}${'entries'.padStart(9)}${'KB'.padStart(7)}`,
    ...runs.map((run) =>
      `  ${run.name.padEnd(16)}${`${run.positions.lost.length} / ${run.positions.acknowledged}`.padStart(16)}${`${run.trips.lost} / ${run.trips.acknowledged}`.padStart(14)}` +
      `${`${run.signOns.lost.length} / ${signedOn}`.padStart(15)}${String(run.maxDivergence).padStart(20)}${`${run.convergedAfterMs?.toFixed(1) ?? 'never'} ms`.padStart(22)}` +
      `${String(run.antiEntropy.messages).padStart(19)}${String(run.antiEntropy.entries).padStart(9)}${(run.antiEntropy.bytes / 1_000).toFixed(1).padStart(7)}`),
    '',
    'Keys differing between the replicas over time (of 14: 12 positions, trips, sign-ons)',
    `  ${'time'.padEnd(8)}${runs.map((run) => run.name.padStart(18)).join('')}`,
    ...[1_000, 2_000, 2_500, 3_000, 4_000, 5_000, 6_000, 6_250, 6_500, 7_000, 8_000].map((atMs) =>
      `  ${`${(atMs / 1_000).toFixed(2)} s`.padEnd(8)}${runs.map((run) => String(run.divergence.find((point) => point.atMs >= atMs)?.keys ?? '-').padStart(18)).join('')}`),
    '',
    `What the wall-clock store says after it converged, against what the vehicles were told was stored:`,
    `  trips: ${wall.final.trips} counted, ${wall.trips.acknowledged} acknowledged (the CRDT store counts ${crdt.final.trips}): concurrent read-modify-writes overwrote each other`,
    `  vehicles seen today: ${wall.final.seen.length} of ${signedOn}; the CRDT store has ${crdt.final.seen.length}. Sign-ons lost:`,
    ...lostSignOns(wall),
    '  positions whose last acknowledged reports were lost (the winner was acknowledged before they were sent):',
    ...lostPositions(wall),
    '',
    `The checkers' verdicts: wall-clock LWW: ${verdict(wall)}; HLC + CRDTs: ${verdict(crdt)}.`,
    `Per-run trace hashes: ${runs.map((run) => `${run.name} ${run.traceHash}`).join(', ')}.`,
    `Wrote ${svgPath} (divergence over time, partition shaded) and ${htmlPath} (the run report: open it in a browser).`,
    '',
    `trace hash ${traceHash}`,
  ];
  return lines.join('\n');
}

function lostPositions(run: StoreRun): string[] {
  const byKey = new Map<string, Array<Operation<unknown, unknown>>>();
  for (const loss of run.positions.lost) byKey.set(loss.key!, [...(byKey.get(loss.key!) ?? []), loss.operations[0]!]);
  if (byKey.size === 0) return ['    none'];
  const acknowledged = (operation: Operation<unknown, unknown>) =>
    `acknowledged by ${String(operation.output)} at ${seconds(operation.completeMs!)}, its clock ${signed(run.sim.truth.clockOffset(String(operation.output), operation.completeMs!))} ms off`;
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).flatMap(([key, lost]) => {
    const shown = run.final.positions[key]!;
    const winner = run.positionHistory.find((operation) => operation.key === key && (operation.input as { value: string }).value === shown)!;
    return [
      `    ${key.slice('position/'.length)} is shown at ${shown} (${acknowledged(winner)}); lost:`,
      ...lost.map((operation) => `      ${(operation.input as { value: string }).value} (${acknowledged(operation)})`),
    ];
  });
}

function seconds(atMs: number): string {
  return `${(atMs / 1_000).toFixed(2)} s`;
}

function lostSignOns(run: StoreRun): string[] {
  if (run.signOns.lost.length === 0) return ['    none'];
  return run.signOns.lost.map((loss) => loss.operations[0]!).map((operation) =>
    `    ${String(operation.process)} (acknowledged by ${String(operation.output)} at ${seconds(operation.completeMs!)}, its clock ${signed(run.sim.truth.clockOffset(String(operation.output), operation.completeMs!))} ms off)`);
}

function verdict(run: StoreRun): string {
  const lost = run.positions.lost.length + run.signOns.lost.length + (run.trips.holds ? 0 : 1);
  return lost === 0 ? 'no acknowledged update lost' : `${run.positions.lost.length} position writes, ${run.trips.lost} trip increments and ${run.signOns.lost.length} sign-ons lost`;
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(0)}`;
}

/** Everything {@link runIotPartition} found, for a test or the showcase. */
export interface IotPartitionResult {
  /** The wall-clock LWW run, then the HLC + CRDTs run. */
  runs: StoreRun[];
  /** Everything the example prints. */
  report: string;
  svgPath: string;
  /** The HTML run report. */
  htmlPath: string;
  /** Both runs' trace hashes, hashed together. */
  traceHash: string;
}

const REPORT_STORY = [
  'Twelve delivery vehicles report to the replicas of the region they drive in, East (e1-e3) or West (w1-w3), every 500 ms: position, a finished trip every third report, a sign-on with the first. ' +
    'Replicas acknowledge at once and reconcile by digest anti-entropy every 100 ms.',
  'From 2 s to 6 s the backbone between the regions is cut; both sides keep accepting reports while three trucks cross the border and two vehicles sign on. ' +
    "e2's clock runs 10% fast; w1's was stepped 1.5 s back at 1 s. The shift ends at the heal, so what follows is reconciliation alone.",
  'The same run against two stores: registers stamped by wall clocks (trip count and sign-on list read, changed and written back), and CRDTs (HLC-stamped registers advanced by each vehicle\'s last acknowledgement, a G-Counter, an OR-Set). ' +
    'Both diverge alike and converge alike; only the CRDT store keeps every acknowledged update.',
].join('\n\n');

function reportTables(runs: readonly StoreRun[]): ReportTable[] {
  const summary: ReportTable = {
    caption: 'Lost updates (checkLostUpdates on the converged state), divergence and reconciliation, per store',
    columns: ['store', 'positions lost', 'of acknowledged', 'trips lost', 'of acknowledged', 'sign-ons lost', 'of acknowledged', 'max keys differing', 'converged after heal (ms)', 'anti-entropy messages', 'entries', 'KB'],
    rows: runs.map((run) => [
      run.name, run.positions.lost.length, run.positions.acknowledged, run.trips.lost, run.trips.acknowledged, run.signOns.lost.length, run.signOns.acknowledged,
      run.maxDivergence, run.convergedAfterMs === undefined ? null : Number(run.convergedAfterMs.toFixed(1)), run.antiEntropy.messages, run.antiEntropy.entries, Number((run.antiEntropy.bytes / 1_000).toFixed(1)),
    ]),
  };
  const wall = runs[0]!;
  const lost: ReportTable = {
    caption: `Acknowledged updates the ${wall.name} store lost`,
    columns: ['update', 'acknowledged by', 'at (s)', "that replica's clock off by (ms)"],
    rows: [...wall.positions.lost, ...wall.signOns.lost].map((loss) => loss.operations[0]!).map((operation) => [
      operation.key === undefined ? `sign-on of ${String(operation.process)}` : `${String(operation.process)} at ${(operation.input as { value: string }).value}`,
      String(operation.output), Number((operation.completeMs! / 1_000).toFixed(2)), Math.round(wall.sim.truth.clockOffset(String(operation.output), operation.completeMs!)),
    ]),
  };
  return [summary, lost];
}

function reportSection(run: StoreRun): RunSection {
  return {
    label: run.name,
    sim: run.sim,
    story: `${run.name}: ${verdict(run)}; the replicas agreed ${run.convergedAfterMs?.toFixed(1) ?? 'never'} ms after the heal.`,
    nodes: [...REPLICAS, 'v06'],
    untilMs: 7_000,
    metrics: [{ name: KEYS_DIFFERING, title: 'keys differing between the six replicas' }, { name: 'anti_entropy_bytes_total', title: 'anti-entropy bytes sent per second, per replica' }],
  };
}

/** Runs both stores and writes the divergence SVG to `outDir` (default `out`). */
export function runIotPartition(options: { outDir?: string } = {}): IotPartitionResult {
  const runs = [runFleet(wallClockStore), runFleet(crdtStore)];
  const outDir = options.outDir ?? 'out';
  mkdirSync(outDir, { recursive: true });
  const svgPath = join(outDir, 'iot-partition-divergence.svg');
  writeFileSync(svgPath, divergenceSvg(runs));
  const htmlPath = writeHtmlReport(join(outDir, 'iot-partition.html'), { title: 'Partition in an IoT fleet-tracking system', story: REPORT_STORY, tables: reportTables(runs), runs: runs.map(reportSection) });
  const traceHash = createHash('sha256').update(runs.map((run) => run.traceHash).join(',')).digest('hex').slice(0, 16);
  return { runs, report: formatReport(runs, [svgPath, htmlPath], traceHash), svgPath, htmlPath, traceHash };
}

/** The command line: `[--out dir]`. Runs the incident, prints the report and returns the results. */
export function main(argv: readonly string[] = process.argv.slice(2)): IotPartitionResult {
  const outIndex = argv.indexOf('--out');
  const unknown = argv.filter((argument, index) => index !== outIndex && index !== outIndex + 1);
  if (unknown.length > 0 || (outIndex >= 0 && argv[outIndex + 1] === undefined)) throw new Error(`usage: iot-partition [--out dir] (got ${JSON.stringify(argv)})`);
  const result = runIotPartition(outIndex >= 0 ? { outDir: argv[outIndex + 1]! } : {});
  console.log(result.report);
  return result;
}

// Run from the command line (not when the showcase or a test imports main).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
