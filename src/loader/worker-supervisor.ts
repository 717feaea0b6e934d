/**
 * A loader worker that comes back. SupervisedWorker is the Producer the
 * scheduler sees for worker id N; behind it, one WorkerProducer at a time (an
 * incarnation) does the work. When that worker dies it starts a replacement
 * and hands it the unfinished jobs, so the scheduler and the consumer see a
 * late report, never a lost or doubled batch.
 *
 * NOTE: worker restart
 *
 *   scheduler ──load(job)──> SupervisedWorker ──load──> incarnation n ──report──> resolve(job)
 *                             jobs: unfinished,              │
 *                             in dispatch order              │ dies: its 'error' event, or the
 *                                                            │ heartbeat unanswered for
 *                                                            v workerTimeoutMs of active time
 *   1. kill n: terminate it; whatever it still sends is ignored (a job records who owns it).
 *   2. count the death: against each job n held unfinished (a batch that kills every worker
 *      it is given), and against the worker (deaths in a row with no batch finished, which
 *      catches a worker that cannot even start). A report, or a batch n published before it
 *      died (the death may have swallowed its report), is a finished batch. Past
 *      maxWorkerRestarts on either count, every job, now and later, rejects with a
 *      WorkerError that says so: the loader has failed.
 *   3. start n + 1 with the same init. Once it has answered its init:
 *   4. each unfinished job, in dispatch order, is
 *      - settled with its report lost, if its slot is no longer held with the job's
 *        ticket: the consumer took the batch (shared-ring fast path) and released it;
 *      - resolved with a report rebuilt from the slot header, if the shared slot is
 *        READY for this (epoch, batch) with nothing skipped: n published it before it
 *        died, and the consumer may hold it already;
 *      - rejected, if its epoch was cancelled: the stopped epoch frees the slot;
 *      - else sent to n + 1, the slot back to FILLING (transfer mode: a fresh buffer,
 *        the old one went down with n).
 *
 * Nothing is lost or delivered twice: the consumer reads a slot only once it
 * leaves FILLING (shared) or its job reported (transfer), and a job is resent
 * only while the consumer cannot have read it, into a slot the job still
 * holds. The dead worker is terminated before its replacement is created, and
 * the replacement gets the jobs only after it has loaded and answered (tens of
 * ms at least), so the dead one's last writes land before the new one's first.
 */
import { activeTimeout } from './active-timer.ts';
import { WorkerError } from './errors.ts';
import { Heartbeat } from './heartbeat.ts';
import type { Producer, WorkerProducer } from './producers.ts';
import type { BatchJob, BatchReport } from './protocol.ts';
import { S_BATCH, S_COUNT, S_EPOCH, readyWithoutSkips } from './ring.ts';
import type { SlotPool } from './slot-pool.ts';

export interface SupervisorPolicy {
  /** Heartbeat bound in ms of active time; 0: no heartbeat. */
  workerTimeoutMs: number;
  /** Restarts in a row without a finished batch before the loader gives up. */
  maxWorkerRestarts: number;
}

/** A worker died and was replaced (or, past the limit, given up on). */
export interface RestartRecord {
  worker: number;
  /** The replacement's incarnation number (1 for the first restart); null when the loader gave up. */
  incarnation: number | null;
  /** Why the worker was declared dead. */
  cause: string;
  /** Jobs it had not finished, handed to the replacement. */
  unfinished: number;
}

/** A worker that never answers its init is hung too, but starting one may take a while (a cold module). */
const START_BOUND_MS = 30_000;

interface JobRecord {
  job: BatchJob;
  pool: SlotPool;
  /** The slot's ticket when the job got it (SlotPool.holds). */
  ticket: number;
  /** The incarnation working on it; a reply from any other is ignored. */
  sentTo: WorkerProducer | null;
  /** Workers that died while loading it (they had started, and it was not published). */
  deaths: number;
  resolve(report: BatchReport): void;
  reject(error: unknown): void;
}

export class SupervisedWorker implements Producer {
  #incarnation!: WorkerProducer;
  #live: WorkerProducer | null = null; // the incarnation that answered its init, if it still lives
  #started = 0; // incarnations started so far
  #restarts = 0; // deaths in a row without a finished job
  #failed: WorkerError | null = null;
  #closed = false;
  readonly #jobs = new Set<JobRecord>(); // unfinished, in dispatch order
  readonly #cancelled = new Set<number>(); // epochs stopped while some of their jobs were unfinished
  readonly #heartbeat: Heartbeat;
  #tracing = false;

  constructor(
    readonly id: number,
    /** Starts incarnation `n` (0 first) of this worker, initialized. */
    readonly spawn: (incarnation: number) => WorkerProducer,
    readonly policy: SupervisorPolicy,
    readonly onRestart: (record: RestartRecord) => void = () => {},
  ) {
    this.#heartbeat = new Heartbeat(id, policy.workerTimeoutMs, () => (this.#closed || this.#jobs.size === 0 ? null : this.#live));
    this.#start();
  }

  /** Jobs sent and not yet settled, across incarnations. */
  get inFlight(): number {
    return this.#jobs.size;
  }

  load(job: BatchJob, pool: SlotPool): Promise<BatchReport> {
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise<BatchReport>((resolve, reject) => {
      const record: JobRecord = { job, pool, ticket: pool.ticket(job.slot), sentTo: null, deaths: 0, resolve, reject };
      this.#jobs.add(record);
      this.#send(record);
      this.#heartbeat.beat();
    });
  }

  setTracing(on: boolean): void {
    this.#tracing = on;
    this.#incarnation.setTracing(on);
  }

  cancel(epoch: number): void {
    if ([...this.#jobs].some((r) => r.job.epoch === epoch)) this.#cancelled.add(epoch);
    this.#incarnation.cancel(epoch);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#heartbeat.stop();
    this.#incarnation.close();
    this.#settleAll(new WorkerError(this.id, 'the DataLoader was closed'));
  }

  #start(): void {
    const incarnation = this.spawn(this.#started++);
    this.#incarnation = incarnation;
    this.#live = null;
    if (this.#tracing) incarnation.setTracing(true);
    incarnation.dead.catch((error: WorkerError) => this.#onDeath(incarnation, error));
    const bound = Math.max(this.policy.workerTimeoutMs, START_BOUND_MS);
    const stopBound = this.policy.workerTimeoutMs
      ? activeTimeout(bound, () => incarnation.kill(new WorkerError(this.id, `did not start within ${bound} ms`)))
      : () => {};
    incarnation.ready.then(
      () => {
        stopBound();
        if (this.#incarnation !== incarnation || this.#closed) return;
        this.#live = incarnation;
        this.#handOver();
        this.#heartbeat.beat();
      },
      stopBound, // it died first: #onDeath takes over
    );
  }

  #send(record: JobRecord): void {
    const incarnation = this.#incarnation;
    record.sentTo = incarnation;
    incarnation.load(record.job, record.pool).then(
      (report) => {
        if (!this.#owns(record, incarnation)) return;
        this.#restarts = 0;
        this.#settle(record, () => record.resolve(report));
      },
      (error) => {
        // A death is the supervisor's business (see NOTE: worker restart); anything else is the job's.
        if (incarnation.death || !this.#owns(record, incarnation)) return;
        this.#settle(record, () => record.reject(error));
      },
    );
  }

  #owns(record: JobRecord, incarnation: WorkerProducer): boolean {
    return record.sentTo === incarnation && this.#jobs.has(record);
  }

  #settle(record: JobRecord, settle: () => void): void {
    this.#jobs.delete(record);
    const epoch = record.job.epoch;
    if (this.#cancelled.has(epoch) && ![...this.#jobs].some((r) => r.job.epoch === epoch)) this.#cancelled.delete(epoch);
    settle();
  }

  /** Steps 1 to 3 of NOTE: worker restart. */
  #onDeath(incarnation: WorkerProducer, error: WorkerError): void {
    if (incarnation !== this.#incarnation || this.#closed || this.#failed) return;
    incarnation.close();
    this.#heartbeat.stop();
    const worst = this.#countDeath(incarnation);
    const limit = this.policy.maxWorkerRestarts;
    if (this.#restarts > limit || (worst !== null && worst.deaths > limit)) {
      this.#giveUp(error, worst);
      return;
    }
    this.onRestart({ worker: this.id, incarnation: this.#started, cause: error.problem, unfinished: this.#jobs.size });
    this.#start();
  }

  /**
   * Step 2 of NOTE: worker restart, counting: the death counts against the
   * worker (#restarts, deaths in a row with no batch finished) and, if the
   * incarnation had started, against each job it held unfinished
   * (JobRecord.deaths). Returns the job with the most deaths, if any.
   */
  #countDeath(incarnation: WorkerProducer): JobRecord | null {
    const held = [...this.#jobs].filter((r) => r.sentTo === incarnation);
    // A batch it published is finished, even if its report was lost.
    const finished = (r: JobRecord) => !r.pool.holds(r.job.slot, r.ticket) || this.#published(r);
    if (held.some(finished)) this.#restarts = 0;
    this.#restarts++;
    if (this.#live !== incarnation) return null; // it never started: its jobs are not to blame
    let worst: JobRecord | null = null;
    for (const record of held.filter((r) => !finished(r))) if (++record.deaths > (worst?.deaths ?? 0)) worst = record;
    return worst;
  }

  /**
   * Step 2 of NOTE: worker restart, giving up: past maxWorkerRestarts the
   * loader has failed, and every job, now and later, rejects with a
   * WorkerError that says which count ran out.
   */
  #giveUp(error: WorkerError, worst: JobRecord | null): void {
    const limit = this.policy.maxWorkerRestarts;
    const times = (n: number) => (n === 1 ? 'died' : `died ${n} times in a row`);
    const what =
      worst !== null && worst.deaths > limit
        ? `${times(worst.deaths)} while loading batch ${worst.job.batch} of epoch ${worst.job.epoch}`
        : `${times(this.#restarts)} without finishing a batch`;
    this.#failed = new WorkerError(this.id, `${what}, and \`maxWorkerRestarts\` is ${limit}: the loader gives up. Last death: ${error.problem}`, error);
    this.onRestart({ worker: this.id, incarnation: null, cause: error.problem, unfinished: this.#jobs.size });
    this.#settleAll(this.#failed);
  }

  /** Step 4 of NOTE: worker restart, for every job the live incarnation was not given. */
  #handOver(): void {
    for (const record of [...this.#jobs]) {
      if (record.sentTo === this.#incarnation) continue;
      const { job, pool } = record;
      if (!pool.holds(job.slot, record.ticket)) {
        this.#settle(record, () => record.reject(new WorkerError(this.id, `the report of batch ${job.batch} was lost; the batch was delivered`)));
      } else if (this.#cancelled.has(job.epoch)) {
        this.#settle(record, () => record.reject(new WorkerError(this.id, `epoch ${job.epoch} was stopped`)));
      } else if (pool.mode === 'shared' && this.#published(record)) {
        const count = pool.view(job.slot).header[S_COUNT];
        const now = performance.timeOrigin + performance.now();
        const { epoch, batch, slot } = job;
        const report: BatchReport = { worker: this.id, epoch, batch, slot, count, skipped: [], error: null, start: now, end: now, trace: null };
        this.#settle(record, () => record.resolve(report));
      } else {
        if (pool.mode === 'shared') pool.view(job.slot).markFilling();
        else pool.renew(job.slot);
        this.#send(record);
      }
    }
  }

  /** The shared slot holds this job's batch, complete, published before the death. */
  #published(record: JobRecord): boolean {
    if (record.pool.mode !== 'shared') return false; // a transfer-mode slot is out with the worker
    const view = record.pool.view(record.job.slot);
    return readyWithoutSkips(view) && view.header[S_EPOCH] === record.job.epoch && view.header[S_BATCH] === record.job.batch;
  }

  #settleAll(error: WorkerError): void {
    for (const record of [...this.#jobs]) this.#settle(record, () => record.reject(error));
  }
}
