// sim.onFault: code under test is told of each fault's start and end as it happens.
import { describe, expect, it } from 'vitest';
import { HandlerError, Simulation, type FaultEvent, type FaultSchedule } from '../../src/index.js';
import { HistoryRecorder } from '../../src/history/history-recorder.js';
import { expectInvalidArgument } from '../detectors/expect-invalid.js';

function threeNodes(): Simulation {
  const sim = new Simulation({ seed: 5, trace: true, network: { link: { latency: { kind: 'constant', ms: 3 } } } });
  for (const id of ['a', 'b', 'c']) {
    sim.addNode(id, (ctx) => ({
      onStart: () => ctx.setTimer(20, 'beat'),
      onRecover: () => ctx.setTimer(20, 'beat'),
      onTimer() {
        ctx.broadcast('beat');
        ctx.setTimer(20, 'beat');
      },
    }));
  }
  return sim;
}

const schedule: FaultSchedule = [
  { kind: 'crash', atMs: 100, durationMs: 50, target: 'b' },
  { kind: 'partition', atMs: 200, durationMs: 30, params: { groups: [['a'], ['b', 'c']] } },
  { kind: 'pause', atMs: 300, target: 'c' },
];

/** What a listener saw: when, which phase, which fault, and whether the target was up then. */
function watch(sim: Simulation): Array<[number, string, string, string | undefined, boolean | undefined]> {
  const seen: Array<[number, string, string, string | undefined, boolean | undefined]> = [];
  sim.onFault(({ atMs, phase, fault }) => void seen.push([atMs, phase, fault.kind, fault.target, fault.target === undefined ? undefined : sim.isUp(fault.target)]));
  return seen;
}

describe('sim.onFault', () => {
  it('tells of every injected fault at its start and end, after the world changed, and of the ends a liveness phase brings', () => {
    const sim = threeNodes();
    const seen = watch(sim);
    sim.inject(schedule);
    sim.livenessPhase(400);
    sim.run({ until: 500 });
    expect(seen).toEqual([
      [100, 'start', 'crash', 'b', false],
      [150, 'end', 'crash', 'b', true],
      [200, 'start', 'partition', undefined, undefined],
      [230, 'end', 'partition', undefined, undefined],
      [300, 'start', 'pause', 'c', true],
      [400, 'end', 'pause', 'c', true],
    ]);
  });

  it('tells of the verbs: crash, restart, pause, resume, partition and heal', () => {
    const sim = threeNodes();
    const seen: FaultEvent[] = [];
    sim.onFault((event) => void seen.push(event));
    sim.schedule(10, () => sim.crash('a'));
    sim.schedule(20, () => sim.restart('a'));
    sim.schedule(30, () => sim.pause('b'));
    sim.schedule(40, () => sim.resume('b'));
    sim.schedule(50, () => sim.partition(['a', 'b'], ['c']));
    sim.schedule(60, () => void sim.heal());
    sim.run({ until: 100 });
    expect(seen.map((event) => `${event.atMs} ${event.phase} ${event.fault.kind}`)).toEqual(['10 start crash', '20 end crash', '30 start pause', '40 end pause', '50 start partition', '60 end partition']);
    // Start and end of one fault share its id; ids match the fault log's.
    expect(seen.map((event) => event.faultId)).toEqual(sim.faultLog.map((entry) => entry.faultId));
    expect(seen[0]!.faultId).toBe(seen[1]!.faultId);
  });

  it('does not change the trace hash, and stops after unsubscribing', () => {
    const plain = threeNodes();
    plain.inject(schedule);
    plain.run({ until: 500 });
    const watched = threeNodes();
    const seen: string[] = [];
    const stop = watched.onFault((event) => {
      seen.push(event.phase);
      if (seen.length === 2) stop();
    });
    watched.inject(schedule);
    watched.run({ until: 500 });
    expect(watched.traceHash()).toBe(plain.traceHash());
    expect(seen).toEqual(['start', 'end']);
  });

  it('runs listeners in subscription order, each one once, even when one unsubscribes another', () => {
    const sim = threeNodes();
    const order: string[] = [];
    let stopSecond = (): void => {};
    sim.onFault(() => (order.push('first'), stopSecond()));
    stopSecond = sim.onFault(() => void order.push('second'));
    sim.onFault(() => void order.push('third'));
    sim.crash('a');
    sim.restart('a');
    expect(order).toEqual(['first', 'second', 'third', 'first', 'third']);
  });

  it('ends each fault once when a listener ends another fault that a heal is ending too', () => {
    const sim = threeNodes();
    sim.onFault(({ phase, fault }) => {
      if (phase === 'end' && fault.target === 'a' && !sim.isUp('b')) sim.restart('b');
    });
    sim.inject([{ kind: 'crash', atMs: 10, target: 'a' }, { kind: 'crash', atMs: 20, target: 'b' }]);
    sim.livenessPhase(50);
    sim.run({ until: 100 });
    expect(sim.faultLog.map((entry) => `${entry.timeMs} ${entry.phase} ${entry.fault.target}`)).toEqual(['10 apply a', '20 apply b', '50 revert a', '50 revert b']);
  });

  it('turns a listener that throws into a HandlerError naming the fault', () => {
    const sim = threeNodes();
    sim.onFault(() => {
      throw new Error('harness bug');
    });
    sim.inject([{ kind: 'crash', atMs: 100, target: 'b' }]);
    let thrown: unknown;
    try {
      sim.run({ until: 500 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HandlerError);
    const error = thrown as HandlerError;
    expect(error.timeMs).toBe(100);
    expect(error.message).toContain("sim.onFault listener, at the start of fault 1 (crash 'b') threw at t=100ms: Error: harness bug");
    expect((error.cause as Error).message).toBe('harness bug');
    // Called directly, a verb throws the same error to its caller.
    expect(() => sim.crash('a')).toThrow(HandlerError);
  });

  it('rejects a listener that is not a function', () => {
    for (const listener of [undefined, null, 3, 'x', {}]) expectInvalidArgument(() => threeNodes().onFault(listener as never), 'onFault(listener)');
  });

  it("lets a harness fail a crashed server's pending operations at the crash, without polling faultLog", () => {
    const sim = new Simulation({ seed: 2, network: { link: { latency: { kind: 'constant', ms: 30 } } } });
    const history = new HistoryRecorder<number, number>();
    const pending = new Map<number, number>(); // request → history id
    sim.addNode('server', (ctx) => ({ onMessage: (from, request) => ctx.send(from, request) }));
    sim.addNode('client', (ctx) => {
      let next = 0;
      return {
        onStart: () => ctx.setTimer(10, 'request'),
        onTimer() {
          const request = next++;
          pending.set(request, history.invoke(`client-${request}`, request, sim.now));
          ctx.send('server', request);
          ctx.setTimer(10, 'request');
        },
        onMessage(_from, reply) {
          const id = pending.get(reply as number);
          if (id === undefined) return;
          pending.delete(reply as number);
          history.ok(id, reply as number, sim.now);
        },
      };
    });
    sim.onFault(({ phase, fault, atMs }) => {
      if (phase !== 'start' || fault.kind !== 'crash' || fault.target !== 'server') return;
      for (const id of pending.values()) history.fail(id, atMs);
      pending.clear();
    });
    sim.inject([{ kind: 'crash', atMs: 205, target: 'server' }]);
    sim.run({ until: 300 });
    const failed = history.operations().filter((operation) => operation.status === 'fail');
    // A round trip is 60 ms: the requests of 150 to 200 ms were unanswered at the crash (the replies
    // to 150, 160 and 170 are on the wire, the others never reach the server).
    expect(failed.map((operation) => operation.input)).toEqual([14, 15, 16, 17, 18, 19]);
    expect(failed.every((operation) => operation.completeMs === 205)).toBe(true);
    expect(history.operations().filter((operation) => operation.status === 'ok').every((operation) => operation.completeMs! < 205)).toBe(true);
  });
});
