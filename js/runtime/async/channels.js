/**
 * Streams and futures: the state two ends share and the ends a component instance's table holds
 * (CanonicalABI.md, "Stream State" and "Future State"), rule for rule.
 *
 * A shared stream or future is a rendezvous: the first of a read and a write to arrive waits
 * (`pending`), the second copies values from the writer's buffer into the reader's and tells both.
 * A reader or a writer is a guest end (below) or the host (channel-values.js), which may implement
 * the readable side itself (`read`, `cancel`, `drop`), as the spec allows. An end handed to another
 * component keeps its shared stream, so the two sides may be two guests: `moveValues` (buffers.js)
 * then copies from one memory to the other.
 */
import { trap } from '../../errors.js';
import { TYPED_ARRAYS } from '../../abi/scalars.js';
import { Waitable } from './waitables.js';
import { moveValues } from './buffers.js';

/** The spec's `CopyResult`, the low 4 bits of a copy's result. */
export const COMPLETED = 0;
export const DROPPED = 1;
export const CANCELLED = 2;

/** The spec's `CopyState`. */
export const IDLE = 1;
export const SYNC_COPYING = 2;
export const ASYNC_COPYING = 3;
export const CANCELLING_COPY = 4;
export const DONE = 5;

/** The spec's `EventCode`s of copies. */
export const EVENT_STREAM_READ = 2;
export const EVENT_STREAM_WRITE = 3;
export const EVENT_FUTURE_READ = 4;
export const EVENT_FUTURE_WRITE = 5;

/**
 * The spec's temporary rule: a component instance may copy to itself only values with no handles
 * or memory of their own (numbers, or nothing).
 * @param {import('../../plan.js').Type[]} types
 */
function noneOrNumber(types, t) {
  return t === null || TYPED_ARRAYS[types[t].kind] !== undefined;
}

/**
 * The spec's `SharedBase`, with what `SharedStreamImpl` and `SharedFutureImpl` both keep: the copy
 * waiting for its other side, if any. `inst` is the component instance of a guest end; null for
 * the host. A future's copies have no `onCopy`.
 */
class SharedBase {
  /**
   * @param {import('../../plan.js').Type[]} types
   * @param {number|null} t the element type
   */
  constructor(types, t) {
    this.types = types;
    this.t = t;
    this.dropped = false;
    this.resetPending();
  }

  resetPending() {
    this.setPending(null, null, null, null);
  }

  setPending(inst, buffer, onCopy, onCopyDone) {
    this.pendingInst = inst;
    this.pendingBuffer = buffer;
    this.pendingOnCopy = onCopy;
    this.pendingOnCopyDone = onCopyDone;
  }

  resetAndNotifyPending(result) {
    const onCopyDone = this.pendingOnCopyDone;
    this.resetPending();
    onCopyDone(result);
  }

  cancel() {
    this.resetAndNotifyPending(CANCELLED);
  }

  drop() {
    if (this.dropped) return;
    this.dropped = true;
    if (this.pendingBuffer !== null) this.resetAndNotifyPending(DROPPED);
  }

  /** The spec's temporary rule, where a copy meets the pending one. */
  checkSelfCopy(inst) {
    if (inst !== null && inst === this.pendingInst && !noneOrNumber(this.types, this.t)) {
      trap('a component instance may copy to itself through a stream or future only numbers (for now)');
    }
  }
}

/** The spec's `SharedStreamImpl`. */
export class SharedStream extends SharedBase {
  read(inst, dst, onCopy, onCopyDone) {
    this.copy(inst, dst, onCopy, onCopyDone, (n) => moveValues(this.pendingBuffer, dst, n), false);
  }

  write(inst, src, onCopy, onCopyDone) {
    this.copy(inst, src, onCopy, onCopyDone, (n) => moveValues(src, this.pendingBuffer, n), true);
  }

  /**
   * The body `read` and `write` share: `move(n)` moves n values from the writer to the reader. A
   * zero-length write meeting a zero-length read completes at once; a zero-length read waits for
   * values (readiness).
   */
  copy(inst, buffer, onCopy, onCopyDone, move, isWrite) {
    if (this.dropped) {
      onCopyDone(DROPPED);
    } else if (this.pendingBuffer === null) {
      this.setPending(inst, buffer, onCopy, onCopyDone);
    } else {
      this.checkSelfCopy(inst);
      if (this.pendingBuffer.remain() > 0) {
        if (buffer.remain() > 0) {
          move(Math.min(buffer.remain(), this.pendingBuffer.remain()));
          this.pendingOnCopy(() => this.resetPending());
        }
        onCopyDone(COMPLETED);
      } else if (isWrite && buffer.isZeroLength() && this.pendingBuffer.isZeroLength()) {
        onCopyDone(COMPLETED);
      } else {
        this.resetAndNotifyPending(COMPLETED);
        this.setPending(inst, buffer, onCopy, onCopyDone);
      }
    }
  }
}

/** The spec's `SharedFutureImpl`. */
export class SharedFuture extends SharedBase {
  read(inst, dst, onCopyDone) {
    if (this.dropped) {
      // Only a host writer can go away without writing (a guest's drop before DONE traps).
      onCopyDone(DROPPED);
    } else if (this.pendingBuffer === null) {
      this.setPending(inst, dst, null, onCopyDone);
    } else {
      this.checkSelfCopy(inst);
      moveValues(this.pendingBuffer, dst, 1);
      this.resetAndNotifyPending(COMPLETED);
      onCopyDone(COMPLETED);
    }
  }

  write(inst, src, onCopyDone) {
    if (this.dropped) {
      onCopyDone(DROPPED);
    } else if (this.pendingBuffer === null) {
      this.setPending(inst, src, null, onCopyDone);
    } else {
      this.checkSelfCopy(inst);
      moveValues(src, this.pendingBuffer, 1);
      this.resetAndNotifyPending(COMPLETED);
      onCopyDone(COMPLETED);
    }
  }
}

/**
 * The spec's `CopyEnd`: one end of a stream or future in a component instance's table. Setting
 * its pending event wakes the scheduler, since a task may wait for it.
 */
export class CopyEnd extends Waitable {
  /**
   * @param {SharedStream|SharedFuture|object} shared
   * @param {() => void} wake
   */
  constructor(shared, wake) {
    super();
    this.state = IDLE;
    this.shared = shared;
    this.wake = wake;
  }

  setPendingEvent(event) {
    this.pendingEvent = event;
    this.wake();
  }

  copying() {
    return this.state === SYNC_COPYING || this.state === ASYNC_COPYING || this.state === CANCELLING_COPY;
  }

  /** `what` names the end in the trap's message. */
  drop(what) {
    if (this.copying()) trap(`${what} was dropped while a copy through it is in progress`);
    this.shared.drop();
    this.join(null);
  }
}

export class ReadableStreamEnd extends CopyEnd {
  copy(inst, dst, onCopy, onCopyDone) {
    this.shared.read(inst, dst, onCopy, onCopyDone);
  }
}

export class WritableStreamEnd extends CopyEnd {
  copy(inst, src, onCopy, onCopyDone) {
    this.shared.write(inst, src, onCopy, onCopyDone);
  }
}

export class ReadableFutureEnd extends CopyEnd {
  copy(inst, dst, onCopyDone) {
    this.shared.read(inst, dst, onCopyDone);
  }
}

export class WritableFutureEnd extends CopyEnd {
  copy(inst, src, onCopyDone) {
    this.shared.write(inst, src, onCopyDone);
  }

  drop(what) {
    if (this.state !== DONE) trap(`${what} was dropped before a value was written to it`);
    super.drop(what);
  }
}
