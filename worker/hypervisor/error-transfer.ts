// Errors across the comlink boundary. Comlink's own 'throw' handler copies name, message and
// stack but drops `code`, so a TmemError thrown in the store worker would arrive as a plain
// Error. This handler carries the code and rebuilds the TmemError (reviveError) on the other
// side; any other error keeps comlink's behaviour. Both sides must install it: the store worker
// before expose(), the page before its first call.
import { transferHandlers, type TransferHandler } from 'comlink';
import { TmemError, reviveError } from '../core/errors.js';

interface Thrown {
  value: unknown;
}
interface SerializedThrow {
  isError: boolean;
  value: unknown;
}

let installed = false;

/** Replaces comlink's 'throw' transfer handler with one that keeps TmemError codes. Idempotent. */
export function installErrorTransfer(): void {
  if (installed) return;
  const original = transferHandlers.get('throw') as TransferHandler<Thrown, SerializedThrow>;
  const handler: TransferHandler<Thrown, SerializedThrow> = {
    canHandle: (value: unknown): value is Thrown => original.canHandle(value),
    serialize(thrown) {
      const e = thrown.value;
      if (e instanceof TmemError) {
        return [{ isError: true, value: { name: e.name, code: e.code, message: e.message, stack: e.stack } }, []];
      }
      return original.serialize(thrown);
    },
    deserialize(serialized) {
      if (serialized.isError && (serialized.value as { name?: unknown })?.name === 'TmemError') {
        throw reviveError(serialized.value);
      }
      return original.deserialize(serialized);
    },
  };
  transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);
  installed = true;
}
