/**
 * The worker API (src/loader/worker/worker-api.ts), called directly and through
 * Comlink over a MessageChannel, with a FakeReader instead of the canvas.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { expose, releaseProxy, transfer, wrap, type Endpoint, type Remote } from 'comlink';
import { resolveOptions } from '../../src/loader/options.ts';
import type { BatchJob, LoaderWorkerApi, WorkerInit } from '../../src/loader/protocol.ts';
import { S_BATCH, S_COUNT, SharedRing, SlotState, SlotView, slotLayout } from '../../src/loader/ring.ts';
import { createWorkerApi } from '../../src/loader/worker/worker-api.ts';
import { FakeReader, expectedUint8, memSrc } from './support/fake-reader.ts';

const IMAGE = { width: 2, height: 2, channels: 3 as const };
const OPTIONS = resolveOptions({ batchSize: 3 }, IMAGE);
const GEOMETRY = { batchSize: 3, sampleElements: 12, dtype: 'uint8' as const };

const init = (ring: SharedArrayBuffer | null, tracing = false): WorkerInit => ({ workerId: 4, options: OPTIONS, geometry: GEOMETRY, ring, tracing });
const job = (slot: number, indices: number[]): BatchJob => ({
  epoch: 1,
  batch: 9,
  slot,
  samples: indices.map((index) => ({ index, label: index % 2, source: memSrc(index) })),
});
const api = () => createWorkerApi((image) => new FakeReader(image, { seed: 1, maxDelayMs: 2 }));

describe('createWorkerApi', () => {
  it('refuses load() before init()', async () => {
    await expect(api().load(job(0, [1]))).rejects.toThrow('`LoaderWorker`: load() called before init()');
  });

  it('refuses load() without a shared ring and says to use loadInto()', async () => {
    const worker = api();
    worker.init(init(null));
    await expect(worker.load(job(0, [1]))).rejects.toThrow('load() needs a shared ring; use loadInto() in transfer mode');
  });

  it('fills the ring slot the job names and reports it', async () => {
    const ring = SharedRing.create(3, GEOMETRY);
    const worker = api();
    worker.init(init(ring.buffer));
    ring.slots[2].markFilling();
    const report = await worker.load(job(2, [5, 6, 7]));
    expect(report).toMatchObject({ worker: 4, epoch: 1, batch: 9, slot: 2, count: 3, error: null });
    const view = ring.slots[2];
    expect([view.state, view.header[S_BATCH], view.header[S_COUNT]]).toEqual([SlotState.READY, 9, 3]);
    expect([...view.indices]).toEqual([5, 6, 7]);
    expect([...view.pixels.subarray(12, 24)]).toEqual([...expectedUint8(6, 2, 2, 3)]);
    expect([ring.slots[0].state, ring.slots[1].state]).toEqual([SlotState.FREE, SlotState.FREE]);
  });

  it('records trace events once tracing is switched on', async () => {
    const ring = SharedRing.create(2, GEOMETRY);
    const worker = api();
    worker.init(init(ring.buffer));
    ring.slots[0].markFilling();
    expect((await worker.load(job(0, [1]))).trace).toBeNull();
    worker.setTracing(true);
    ring.slots[0].markFilling();
    expect((await worker.load(job(0, [1, 2]))).trace?.map((e) => e.phase)).toEqual(['decode', 'decode', 'batch']);
  });
});

describe('createWorkerApi through Comlink', () => {
  let remote: Remote<LoaderWorkerApi> | null = null;
  let ports: MessageChannel | null = null;

  afterEach(() => {
    remote?.[releaseProxy]();
    ports?.port1.close();
    ports?.port2.close();
  });

  function connect(): Remote<LoaderWorkerApi> {
    ports = new MessageChannel();
    expose(api(), ports.port2 as unknown as Endpoint);
    remote = wrap<LoaderWorkerApi>(ports.port1 as unknown as Endpoint);
    return remote;
  }

  it('moves a transfer-mode slot out and back: filled, not copied', async () => {
    const worker = connect();
    await worker.init(init(null));
    const layout = slotLayout(GEOMETRY);
    const buffer = new ArrayBuffer(layout.slotBytes);
    new SlotView(buffer, 0, layout).markFilling();
    const result = await worker.loadInto(job(0, [3, 4]), transfer(buffer, [buffer]));
    expect(buffer.byteLength).toBe(0); // moved to the other side
    expect(result.buffer.byteLength).toBe(layout.slotBytes);
    const view = new SlotView(result.buffer, 0, layout);
    expect([view.state, view.header[S_COUNT]]).toEqual([SlotState.READY, 2]);
    expect([...view.indices.subarray(0, 2)]).toEqual([3, 4]);
    expect([...view.pixels.subarray(0, 12)]).toEqual([...expectedUint8(3, 2, 2, 3)]);
    expect(result.report).toMatchObject({ worker: 4, batch: 9, count: 2 });
  });

  it('rethrows a worker-side error on the caller with its message', async () => {
    const worker = connect();
    await expect(worker.load(job(0, [1]))).rejects.toThrow('`LoaderWorker`: load() called before init()');
  });
});
