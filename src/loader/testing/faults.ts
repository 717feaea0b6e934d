/**
 * Fault injection, FOR TESTS ONLY: make a worker die or hang at a chosen
 * batch, or emulate a frozen page, so that the loader's recovery can be
 * proven rather than hoped for. None of it is on the library's production
 * path: faults reach a loader only through `LoaderEnvironment.createWorker`,
 * which fault-environment.ts fills with workers that expose the real worker
 * API wrapped by fault-worker-api.ts:
 *
 *   const loader = faultLoader(dataset, options, [{ kind: 'exit', batch: 3, at: 'mid' }], { spawn });
 *
 * The kinds, as the loader sees them:
 *
 * | kind     | what the worker does                             | how the loader notices        |
 * |----------|--------------------------------------------------|-------------------------------|
 * | 'exit'   | ends itself (self.close()), as a killed or OOM worker vanishes: no event | heartbeat unanswered |
 * | 'throw'  | throws outside any sample                        | the Worker's 'error' event    |
 * | 'hang'   | blocks its event loop forever                    | heartbeat unanswered          |
 * | 'freeze' | every thread, main included, stops for `ms`      | it must not: nothing is lost, nothing restarts |
 *
 * `at` says when in the batch: 'start' (before any sample), 'mid' (the
 * samples before the middle one are loaded, the rest never finish: a half
 * written slot) or 'published' (the slot is published, the report is never
 * sent: the consumer may already hold the batch).
 */
import type { ImageSource } from '../dataset.ts';
import type { PhaseMark, PixelReader, ReadHints } from '../worker/decode.ts';
import type { BatchJob } from '../protocol.ts';

export interface WorkerFault {
  kind: 'exit' | 'throw' | 'hang';
  /** The batch (its number in the epoch) whose job triggers it. */
  batch: number;
  /** Only in this epoch; default any. */
  epoch?: number;
  /** Default 'start'. */
  at?: 'start' | 'mid' | 'published';
  /** Only this worker id; default whichever worker gets the batch. */
  worker?: number;
  /**
   * How many incarnations of a worker carry it: 1 (default) the first only,
   * so its replacement succeeds; Infinity makes every replacement fail too.
   */
  times?: number;
}

/** Emulates a frozen page: when batch `batch` is dispatched, every worker and the main thread block for `ms`. */
export interface FreezeFault {
  kind: 'freeze';
  batch: number;
  epoch?: number;
  ms: number;
}

export type Fault = WorkerFault | FreezeFault;

const isWorkerFault = (fault: Fault): fault is WorkerFault => fault.kind !== 'freeze';
const inEpoch = (fault: Fault, epoch: number) => fault.epoch === undefined || fault.epoch === epoch;

/** Main thread: the faults incarnation `incarnation` (0 first) of worker `worker` carries. */
export function faultsFor(faults: readonly Fault[] | undefined, worker: number, incarnation: number): WorkerFault[] | undefined {
  const mine = (faults ?? [])
    .filter(isWorkerFault)
    .filter((f) => (f.worker === undefined || f.worker === worker) && incarnation < (f.times ?? 1));
  // Plain data: it crosses to the worker by structured clone, where Infinity survives.
  return mine.length > 0 ? mine.map((f) => ({ ...f })) : undefined;
}

/** Main thread: how long to freeze when (epoch, batch) is dispatched; 0 for no freeze. */
export function freezeAt(faults: readonly Fault[] | undefined, epoch: number, batch: number): number {
  const fault = (faults ?? []).find((f): f is FreezeFault => f.kind === 'freeze' && f.batch === batch && inEpoch(f, epoch));
  return fault?.ms ?? 0;
}

/**
 * Blocks the calling thread until `deadline` (absolute ms: performance.timeOrigin
 * + performance.now()), as if it had been frozen: its timers and messages wait.
 * Every thread blocks to the same deadline, so they all come back together
 * however late each started. Sleeps in Atomics.wait where the thread may
 * (workers; Node's main thread), else spins (a browser's main thread).
 */
export function blockUntil(deadline: number): void {
  const left = () => deadline - (performance.timeOrigin + performance.now());
  try {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    while (left() > 0) Atomics.wait(cell, 0, 0, left());
  } catch {
    while (left() > 0) {
      // spin: Atomics.wait is not allowed here, or there is no SharedArrayBuffer
    }
  }
}

/** How a worker ends itself where it runs (browser: self.close(); worker_threads: process.exit). */
export interface WorkerPlatform {
  exit(): void;
}

const never = () => new Promise<never>(() => {});

/** Worker side: acts out the faults of one incarnation. */
export class FaultInjector {
  /** Sources of a 'mid' batch: 'hold' never finishes, 'act' loads, then the fault fires. */
  readonly #armed = new Map<ImageSource, { action: 'hold' | 'act'; fault: WorkerFault; job: BatchJob }>();

  constructor(
    readonly workerId: number,
    readonly faults: readonly WorkerFault[],
    readonly platform: WorkerPlatform,
  ) {}

  /** Runs `execute` (the job), acting out the fault that matches the job, if any. */
  async run<T>(job: BatchJob, execute: () => Promise<T>): Promise<T> {
    const fault = this.faults.find((f) => f.batch === job.batch && inEpoch(f, job.epoch));
    if (!fault) return execute();
    const at = fault.at ?? 'start';
    if (at === 'start') return this.#act(fault, job);
    if (at === 'mid') {
      const middle = Math.floor(job.samples.length / 2);
      job.samples.forEach((s, j) => j >= middle && this.#armed.set(s.source, { action: j === middle ? 'act' : 'hold', fault, job }));
      return execute();
    }
    await execute(); // published: the slot is READY (or FAILED) in the ring
    return this.#act(fault, job);
  }

  /** The reader the executor uses: passes through, except for the sources of an armed 'mid' batch. */
  wrap(reader: PixelReader): PixelReader {
    return {
      cacheTag: reader.cacheTag, // the same pixels: the sample cache may keep them
      read: async (source: ImageSource, signal: AbortSignal, mark?: PhaseMark, hints?: ReadHints) => {
        const armed = this.#armed.get(source);
        if (!armed) return reader.read(source, signal, mark, hints);
        if (armed.action === 'hold') return never();
        await reader.read(source, signal, mark, hints);
        await new Promise((resolve) => setTimeout(resolve)); // let the samples before it be written
        return this.#act(armed.fault, armed.job);
      },
    };
  }

  /** Never settles: a dead or hung worker sends no report. */
  #act(fault: WorkerFault, job: BatchJob): Promise<never> {
    const what = `fault injected: worker ${this.workerId} ${fault.kind}s at batch ${job.batch} of epoch ${job.epoch} (${fault.at ?? 'start'})`;
    if (fault.kind === 'exit') this.platform.exit();
    if (fault.kind === 'throw') {
      setTimeout(() => {
        throw new Error(what);
      });
    }
    if (fault.kind === 'hang') for (;;);
    return never();
  }
}
