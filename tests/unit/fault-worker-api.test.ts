/**
 * Fault injection's worker side (src/loader/testing/fault-worker-api.ts) over
 * a MessageChannel, wired as fault-environment.ts wires it: one Comlink proxy
 * arms the worker, a second proxy on the same endpoint is the loader's. Until
 * armed it is the real worker API; each proxy gets its own replies.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expose, releaseProxy, wrap, type Endpoint, type Remote } from 'comlink';
import { resolveOptions } from '../../src/loader/options.ts';
import type { BatchJob, LoaderWorkerApi, WorkerInit } from '../../src/loader/protocol.ts';
import { S_COUNT, SharedRing, SlotState } from '../../src/loader/ring.ts';
import { createFaultWorkerApi, type FaultWorkerApi } from '../../src/loader/testing/fault-worker-api.ts';
import type { WorkerFault } from '../../src/loader/testing/faults.ts';
import { FakeReader, expectedUint8, memSrc } from './support/fake-reader.ts';

const IMAGE = { width: 2, height: 2, channels: 3 as const };
const GEOMETRY = { batchSize: 4, sampleElements: 12, dtype: 'uint8' as const };
const init = (ring: SharedArrayBuffer): WorkerInit => ({
  workerId: 1,
  options: resolveOptions({ batchSize: 4 }, IMAGE),
  geometry: GEOMETRY,
  ring,
  tracing: false,
});
const job = (batch: number, slot: number, indices: number[]): BatchJob => ({
  epoch: 0,
  batch,
  slot,
  samples: indices.map((index) => ({ index, label: index % 2, source: memSrc(index) })),
});

let open: Array<{ release(): void }> = [];
afterEach(() => {
  open.forEach((o) => o.release());
  open = [];
});

/** The fault worker API behind `port2`, and two proxies on `port1`: the rig's and the loader's. */
function connect(exits: number[]): { rig: Remote<FaultWorkerApi>; loader: Remote<LoaderWorkerApi>; ring: SharedRing } {
  const { port1, port2 } = new MessageChannel();
  expose(createFaultWorkerApi((image) => new FakeReader(image), { exit: () => exits.push(1) }), port2 as unknown as Endpoint);
  const rig = wrap<FaultWorkerApi>(port1 as unknown as Endpoint);
  const loader = wrap<LoaderWorkerApi>(port1 as unknown as Endpoint);
  open.push({
    release: () => {
      loader[releaseProxy]();
      port1.close();
      port2.close();
    },
  });
  return { rig, loader, ring: SharedRing.create(3, GEOMETRY) };
}

describe('createFaultWorkerApi', () => {
  it('is the real worker API until armed: it fills the slot and reports', async () => {
    const exits: number[] = [];
    const { loader, ring } = connect(exits);
    await loader.init(init(ring.buffer));
    ring.slots[0].markFilling();
    expect(await loader.load(job(0, 0, [4, 5]))).toMatchObject({ worker: 1, batch: 0, count: 2, error: null });
    expect([...ring.slots[0].pixels.subarray(12, 24)]).toEqual([...expectedUint8(5, 2, 2, 3)]);
    expect(exits).toEqual([]);
  });

  it('answers each of two proxies on one endpoint with its own replies', async () => {
    const { rig, loader } = connect([]);
    // Interleaved: the loader's call fails (no init yet), the rig's succeed; none takes another's reply.
    const [armed, refused, pong] = await Promise.allSettled([rig.arm([]), loader.load(job(0, 0, [1])), rig.ping()]);
    expect(armed).toEqual({ status: 'fulfilled', value: undefined });
    expect(refused).toMatchObject({ status: 'rejected', reason: { message: '`LoaderWorker`: load() called before init()' } });
    expect(pong).toEqual({ status: 'fulfilled', value: true });
  });

  it('acts out the faults it was armed with before init: the matching batch exits, the others load', async () => {
    const exits: number[] = [];
    const { rig, loader, ring } = connect(exits);
    const faults: WorkerFault[] = [{ kind: 'exit', batch: 7, at: 'published' }];
    void rig.arm(faults); // not awaited, as fault-environment.ts does: order on the endpoint is enough
    await loader.init(init(ring.buffer));
    ring.slots[1].markFilling();
    expect((await loader.load(job(6, 1, [0, 1, 2]))).count).toBe(3);
    expect(exits).toEqual([]);
    ring.slots[2].markFilling();
    void loader.load(job(7, 2, [3, 8])); // never reports: the worker "exited" after publishing
    await vi.waitFor(() => expect(exits).toEqual([1]));
    expect([ring.slots[2].state, ring.slots[2].header[S_COUNT]]).toEqual([SlotState.READY, 2]);
  });
});
