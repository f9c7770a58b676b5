/** The envelope of a `ctx.call` request on the wire. */
export class CallRequest {
  constructor(
    readonly callId: number,
    readonly request: unknown,
  ) {}
}

/** The envelope of the reply to a `ctx.call`. */
export class CallReply {
  constructor(
    readonly callId: number,
    readonly reply: unknown,
  ) {}
}

/** What the node meant to say inside an RPC envelope (or the message itself when it has none). */
export function callContent(message: unknown): unknown {
  if (message instanceof CallRequest) return message.request;
  if (message instanceof CallReply) return message.reply;
  return message;
}

/** `content` in the same kind of envelope as `original` (none when `original` had none). */
export function rewrapCall(original: unknown, content: unknown): unknown {
  if (original instanceof CallRequest) return new CallRequest(original.callId, content);
  if (original instanceof CallReply) return new CallReply(original.callId, content);
  return content;
}
