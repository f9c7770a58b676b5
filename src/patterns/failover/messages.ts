/** A lease request on the wire, from a replica to the authority. */
export class LeaseRequest {
  constructor(readonly requestId: number) {}
}

/** The authority's answer to a {@link LeaseRequest}. */
export class LeaseReply {
  constructor(
    readonly requestId: number,
    readonly granted: boolean,
    readonly epoch: number,
    readonly leaseMs: number,
  ) {}
}

/**
 * A write to a fenced store, stamped with the writer's epoch (its fencing token).
 *
 * @example
 * ```ts
 * ctx.send('store', new FencedWrite(7, 'x', 42, 3));
 * ```
 */
export class FencedWrite {
  constructor(
    /** The writer's id for this write, echoed in the reply. */
    readonly writeId: number,
    /** The key written. */
    readonly key: string,
    /** The value written. */
    readonly value: unknown,
    /** The writer's epoch: the store refuses it if it is below the highest it has seen. */
    readonly epoch: number,
  ) {}
}

/**
 * A fenced store's answer to a {@link FencedWrite}.
 *
 * @example
 * ```ts
 * onMessage(from, message) { if (message instanceof FencedWriteReply && !message.accepted) ctx.log('deposed'); }
 * ```
 */
export class FencedWriteReply {
  constructor(
    /** The write answered. */
    readonly writeId: number,
    /** False if the write carried a stale epoch and was refused. */
    readonly accepted: boolean,
    /** The highest epoch the store has seen. */
    readonly highestEpoch: number,
  ) {}
}
