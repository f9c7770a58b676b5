/**
 * Byzantine generals with three nodes (a commander and two lieutenants) tolerating one traitor:
 * with oral messages, which cannot, and with signed messages, which can.
 *
 * Every 200 ms the commander orders 'attack' or 'retreat'. Each lieutenant relays the order it
 * received to the other, and 50 ms after the order (the network is synchronous: 5 ms a hop)
 * decides. The generals' two conditions must hold whenever at most one node is a traitor (was
 * ever hit by a byzantine fault): loyal lieutenants decide alike, and if the commander is loyal
 * they decide its order.
 *
 * The bug: oral messages (Lamport, Shostak and Pease's OM(1)) with three nodes. A lieutenant
 * takes the majority of the order it received and the one relayed to it, a missing or garbled
 * one counting as 'retreat'; a traitor lieutenant that garbles or drops its relay of 'attack'
 * leaves the loyal one with a tie, and it retreats against a loyal commander's order. OM(1)
 * needs four nodes. The fixed variant signs orders (SM(1)): a lieutenant keeps every order
 * validly signed by the commander, wherever it comes from, and decides the order if it kept
 * exactly one; a traitor cannot sign as the commander, so garbling only makes it discard.
 *
 * Known minimum: one fault. Without a byzantine node every order and relay arrives intact
 * within 10 ms, so both lieutenants decide the order; one byzantine lieutenant that corrupts,
 * drops or forges its relay of an 'attack' is enough.
 */
import type { ClusterScenario, GeneratedKind } from '../../../src/check/index.js';
import type { NodeBehaviour, Simulation } from '../../../src/index.js';

type Order = 'attack' | 'retreat';
/** The commander's order, or a lieutenant relaying the order it received. */
type Message = { type: 'order' | 'relay'; round: number; order: Order; signature: string };

export interface Generals {
  /** The commander's order in each round. */
  readonly orders: Order[];
  /** Each lieutenant's decision in each round. */
  readonly decisions: Array<Record<string, unknown>>;
}

const COMMANDER = 'g';
const LIEUTENANTS = ['l1', 'l2'];
const ROUND_MS = 200;
const DECIDE_AFTER_MS = 50;
const LAST_ROUND = 24;
const DEFAULT: Order = 'retreat';

/** Stands for the commander's signature: the built-in adversaries cannot make a valid one. */
function signature(round: number, order: unknown): string {
  return `signed by ${COMMANDER}: round ${round}, ${JSON.stringify(order)}`;
}

function commander(system: Generals): NodeBehaviour<Message> {
  return (ctx) => ({
    onStart() {
      ctx.setTimer(ROUND_MS, 'order');
    },
    onTimer() {
      const round = system.orders.length;
      const order: Order = round % 3 === 2 ? 'retreat' : 'attack';
      system.orders.push(order);
      for (const id of LIEUTENANTS) ctx.send(id, { type: 'order', round, order, signature: signature(round, order) });
      if (round < LAST_ROUND) ctx.setTimer(ROUND_MS, 'order');
    },
  });
}

/** What a lieutenant heard in one round: the commander's order, the relayed one, and (signed) every validly signed order. */
interface Heard {
  direct?: unknown;
  relayed?: unknown;
  valid: Set<unknown>;
}

function lieutenant(system: Generals, signed: boolean): NodeBehaviour<Message> {
  return (ctx) => {
    const heard = new Map<number, Heard>();
    const of = (round: number): Heard => {
      const known = heard.get(round);
      if (known !== undefined) return known;
      const fresh: Heard = { valid: new Set() };
      heard.set(round, fresh);
      return fresh;
    };
    const relay = (message: Message): void => {
      for (const id of LIEUTENANTS) if (id !== ctx.id) ctx.send(id, { ...message, type: 'relay' });
    };
    const decide = (round: number): unknown => {
      const { direct = DEFAULT, relayed = DEFAULT, valid } = of(round);
      if (signed) return valid.size === 1 ? [...valid][0] : DEFAULT;
      return JSON.stringify(direct) === JSON.stringify(relayed) ? direct : DEFAULT; // the bug: two voices are no majority
    };
    return {
      onStart() {
        ctx.setTimer(ROUND_MS + DECIDE_AFTER_MS, 'decide', 0);
      },
      onTimer(_name, data) {
        const round = data as number;
        system.decisions[round] = { ...system.decisions[round], [ctx.id]: decide(round) };
        if (round < LAST_ROUND) ctx.setTimer(ROUND_MS, 'decide', round + 1);
      },
      onMessage(from, message) {
        const round = of(message.round);
        if (signed) {
          // Whoever delivers it, a validly signed order is the commander's: keep it, pass it on once.
          if (message.signature !== signature(message.round, message.order) || round.valid.has(message.order)) return;
          round.valid.add(message.order);
          relay(message);
        } else if (message.type === 'order' && from === COMMANDER && !('direct' in round)) {
          round.direct = message.order;
          relay(message);
        } else if (message.type === 'relay' && LIEUTENANTS.includes(from) && !('relayed' in round)) round.relayed = message.order;
      },
    };
  };
}

function traitors(sim: Simulation): Set<string> {
  return new Set(sim.faultLog.filter(({ fault }) => fault.kind === 'byzantine').map(({ fault }) => fault.target!));
}

function generalsAgree(system: Generals, sim: Simulation): true | string {
  const traitorous = traitors(sim);
  if (traitorous.size > 1) return true; // beyond the one traitor tolerated: nothing is promised
  const loyal = LIEUTENANTS.filter((id) => !traitorous.has(id));
  for (const [round, decided] of system.decisions.entries()) {
    const decisions = loyal.filter((id) => id in decided).map((id) => JSON.stringify(decided[id]));
    if (new Set(decisions).size > 1) return `round ${round}: loyal lieutenants decided ${decisions.join(' and ')}`;
    const order = JSON.stringify(system.orders[round]);
    if (!traitorous.has(COMMANDER) && decisions.some((decision) => decision !== order)) return `round ${round}: the loyal commander ordered ${order}, a loyal lieutenant decided ${decisions.join(' and ')}`;
  }
  return true;
}

/** The scenario; `signed` picks the fixed variant. */
export function byzantineAgreementScenario(signed: boolean): ClusterScenario<Generals> {
  return {
    name: signed ? 'byzantine generals with signed messages, N=3' : 'byzantine generals with oral messages, N=3',
    simulation: { network: { link: { latency: { kind: 'constant', ms: 5 } } } },
    setup(sim) {
      const system: Generals = { orders: [], decisions: [] };
      sim.addNode(COMMANDER, commander(system));
      for (const id of LIEUTENANTS) sim.addNode(id, lieutenant(system, signed));
      return system;
    },
    invariants: [{ name: 'loyal lieutenants agree, on a loyal commander’s order', check: generalsAgree }],
    untilMs: 6_000,
  };
}

/** Byzantine faults on any general. */
export const byzantineAgreementFaults = { nodes: [COMMANDER, ...LIEUTENANTS], clients: [], kinds: ['byzantine'] as GeneratedKind[] };
/** See the module comment: one byzantine lieutenant. */
export const byzantineAgreementMinimumFaults = 1;
