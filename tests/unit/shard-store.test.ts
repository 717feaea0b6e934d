/**
 * The ShardStore (src/loader/sources/shard-store.ts) against a local HTTP
 * server: one request per shard however many callers, the byte budget, and
 * the per-sample failures of bad shards, each naming shard and key.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ShardStore, type ShardRef, type ShardStoreOptions } from '../../src/loader/sources/shard-store.ts';
import type { ShardSampleResult } from '../../src/loader/sources/shard-lease.ts';
import { writeTar } from '../../scripts/datasets/tar-writer.ts';
import { brokenFiles, brokenKind } from '../fixtures/broken.ts';
import { ShardServer } from './support/shard-server.ts';
import { samples, shardOf } from './support/shards.ts';
import { bounded } from './support/time.ts';

const server = new ShardServer();
beforeAll(() => server.start());
afterAll(() => server.stop());

const stores: ShardStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  server.release();
  server.files.clear();
  server.requests.clear();
});

function newStore(options: Partial<ShardStoreOptions> = {}): ShardStore {
  const store = new ShardStore({ classCount: 3, ...options });
  stores.push(store);
  return store;
}

/** Serves `count` samples (keys from `first`) as one shard at `path`; returns its ref with the index. */
function serveShard(path: string, count: number, first = 0): ShardRef & { images: Uint8Array[] } {
  const list = samples(count, 3, first);
  const { bytes, entry } = shardOf(list);
  server.files.set(path, { bytes });
  return { url: server.url(path), bytes: bytes.length, samples: entry.samples, images: list.map((s) => s.image) };
}

async function bytesOf(result: ShardSampleResult): Promise<Buffer> {
  if (!result.ok) throw new Error(`expected a sample, got ${result.reason}: ${result.message}`);
  return Buffer.from(await result.file.arrayBuffer());
}

describe('ShardStore', () => {
  it('requests each shard once however many callers acquire it at once', async () => {
    const refs = ['/a.tar', '/b.tar', '/c.tar'].map((path, i) => serveShard(path, 4, i * 4));
    const store = newStore({ maxInFlight: 2 });
    server.hold();
    const leases = refs.flatMap((ref) => Array.from({ length: 20 }, () => store.acquire(ref)));
    await bounded(server.received(2), 5000, 'the first two shard requests');
    expect(server.count('/a.tar') + server.count('/b.tar') + server.count('/c.tar')).toBe(2); // maxInFlight: the third waits
    server.release();
    const all = await bounded(Promise.all(leases), 5000, '60 leases');
    expect(['/a.tar', '/b.tar', '/c.tar'].map((p) => server.count(p))).toEqual([1, 1, 1]);
    expect(store.stats()).toMatchObject({ requests: 3, resident: 3, evictions: 0, headerIndexed: 0 });
    for (const [r, ref] of refs.entries()) {
      const lease = all[r * 20 + 7];
      for (const [k, sample] of ref.samples!.entries()) expect((await bytesOf(lease.sample(sample.key))).equals(Buffer.from(ref.images[k]))).toBe(true);
    }
  });

  it('hands out a sample as a File over a slice, named "<shard>#<key>", with a cache key of shard URL, size and offset', async () => {
    const ref = serveShard('/named.tar', 3);
    const lease = await newStore().acquire(ref);
    const result = lease.sample('00001');
    const { offset, length } = ref.samples![1];
    expect(result).toMatchObject({
      ok: true,
      source: `${ref.url}#00001`,
      cacheKey: `shard:${JSON.stringify([ref.url, ref.bytes, offset, length])}`,
    });
    if (!result.ok) return;
    expect([result.file.name, result.file.type, result.file.size, result.file.lastModified]).toEqual([`${ref.url}#00001`, 'image/png', length, 0]);
    expect(lease.sample('00001')).toEqual(result); // the same File every time
    expect(lease.sample('nope')).toEqual({ ok: false, source: `${ref.url}#nope`, reason: 'source', message: `the shard ${ref.url} has no sample with key "nope"` });
    lease.release();
    expect(() => lease.sample('00001')).toThrow(`\`ShardLease.sample\`: the lease on ${ref.url} was released; acquire the shard again`);
  });

  it('evicts the least recently acquired unpinned shard over the budget, never a pinned one', async () => {
    const [a, b, c] = ['/a.tar', '/b.tar', '/c.tar'].map((path, i) => serveShard(path, 4, i * 4));
    const store = newStore({ budgetBytes: a.bytes! + b.bytes! }); // two shards fit
    const leaseA = await store.acquire(a); // held throughout: the oldest, but pinned
    (await store.acquire(b)).release();
    (await store.acquire(c)).release(); // over budget: b goes, not a
    expect(store.stats()).toMatchObject({ resident: 2, evictions: 1, requests: 3 });
    (await store.acquire(c)).release();
    expect(server.count('/c.tar')).toBe(1);
    (await store.acquire(b)).release(); // fetched again; c is now the oldest unpinned
    expect(server.count('/b.tar')).toBe(2);
    expect(store.stats()).toMatchObject({ resident: 2, evictions: 2, requests: 4 });
    expect((await bytesOf(leaseA.sample('00002'))).equals(Buffer.from(a.images[2]))).toBe(true);
    expect(server.count('/a.tar')).toBe(1);
  });

  it('keeps a shard over the budget while every resident one is pinned, and says so in peakBytes', async () => {
    const [a, b] = ['/a.tar', '/b.tar'].map((path, i) => serveShard(path, 4, i * 4));
    const store = newStore({ budgetBytes: a.bytes! });
    const leases = [await store.acquire(a), await store.acquire(b)];
    expect(store.stats()).toMatchObject({ resident: 2, evictions: 0, peakBytes: a.bytes! + b.bytes! });
    leases[0].release();
    expect(store.stats()).toMatchObject({ resident: 1, evictions: 1, residentBytes: b.bytes });
    expect(leases[1].sample('00005').ok).toBe(true);
  });

  it('fails every sample of a 404 shard with reason http, naming it, after one request; a retry fetches again', async () => {
    const url = server.url('/missing.tar');
    const store = newStore();
    const leases = await Promise.all(Array.from({ length: 5 }, () => store.acquire({ url })));
    expect(server.count('/missing.tar')).toBe(1);
    expect(leases[3].sample('00042')).toEqual({
      ok: false,
      source: `${url}#00042`,
      reason: 'http',
      message: `the shard ${url} could not be fetched: the server answered 404 Not Found`,
    });
    await expect(store.readIndex({ url })).rejects.toThrow(`the shard ${url} could not be fetched: the server answered 404 Not Found`);
    expect(server.count('/missing.tar')).toBe(1);
    await Promise.all([store.acquire({ url }, { attempt: 2 }), store.acquire({ url }, { attempt: 2 })]);
    expect(server.count('/missing.tar')).toBe(2);
  });

  it('fails the samples of a shard whose connection drops with reason network', async () => {
    server.files.set('/reset.tar', { bytes: new Uint8Array(0), reset: true });
    const url = server.url('/reset.tar');
    const result = (await newStore().acquire({ url })).sample('00000');
    expect(result).toMatchObject({ ok: false, reason: 'network', source: `${url}#00000` });
    expect(!result.ok && result.message).toMatch(new RegExp(`^the shard ${url} could not be fetched: the fetch failed \\(offline, or refused by CORS\\?\\): TypeError`));
  });

  it('fails the samples past the end of a truncated shard, and only those', async () => {
    const ref = serveShard('/cut.tar', 6);
    const cutAt = ref.samples![3].offset + 20;
    server.files.set('/cut.tar', { bytes: server.files.get('/cut.tar')!.bytes.subarray(0, cutAt) });
    const lease = await newStore().acquire(ref);
    expect([0, 1, 2].map((k) => lease.sample(ref.samples![k].key).ok)).toEqual([true, true, true]);
    expect(lease.sample('00003')).toEqual({
      ok: false,
      source: `${ref.url}#00003`,
      reason: 'source',
      message: `the shard is truncated: it has ${cutAt} bytes (the manifest says ${ref.bytes}), and the image of "00003" ends at byte ${ref.samples![3].offset + ref.samples![3].length}`,
    });
    expect(lease.sample('00005')).toMatchObject({ ok: false, reason: 'source', message: expect.stringMatching(/^the shard is truncated/) });
  });

  it('fails a sample whose index entry disagrees with the tar: wrong offset, wrong key, wrong length', async () => {
    const ref = serveShard('/wrong.tar', 4);
    const [s0, s1, s2] = ref.samples!;
    const index = [{ ...s0, offset: s0.offset + 512 }, { ...s1, offset: s2.offset }, { ...s2, length: s2.length - 1 }, ref.samples![3]];
    const lease = await newStore().acquire({ ...ref, samples: index });
    const why = (key: string) => {
      const r = lease.sample(key);
      return r.ok ? 'ok' : `${r.reason}: ${r.message}`;
    };
    expect(why('00000')).toBe(`source: the index disagrees with the shard: no tar member starts at byte ${s0.offset + 512}, where it says the image of "00000" is`);
    expect(why('00001')).toBe(`source: the index disagrees with the shard: the member at byte ${s2.offset} is "00002.png", not one of key "00001"`);
    expect(why('00002')).toBe(`source: the index disagrees with the shard: "00002.png" is ${s2.length} bytes, the index says ${s2.length - 1}`);
    expect(why('00003')).toBe('ok');
  });

  it('refuses a bomb PNG header and an HTML page from the bytes in memory, with the worker\'s reasons', async () => {
    const files = brokenFiles();
    const bytes = writeTar([
      { name: 'bomb.cls', data: new TextEncoder().encode('0') },
      { name: 'bomb.png', data: files.get('bomb.png')!.bytes },
      { name: 'page.cls', data: new TextEncoder().encode('1') },
      { name: 'page.png', data: files.get('html.png')!.bytes },
      { name: 'good.cls', data: new TextEncoder().encode('2') },
      { name: 'good.png', data: files.get('good-00.png')!.bytes },
    ]);
    server.files.set('/bad.tar', { bytes });
    const lease = await newStore().acquire({ url: server.url('/bad.tar') });
    expect(lease.indexedFrom).toBe('headers');
    const bomb = lease.sample('bomb');
    const page = lease.sample('page');
    expect(bomb).toMatchObject({ ok: false, reason: 'oversize', message: expect.stringMatching(brokenKind('bomb-png').message) });
    expect(page).toMatchObject({ ok: false, reason: 'decode', message: expect.stringMatching(brokenKind('html').message) });
    expect(lease.sample('good').ok).toBe(true);
    const strict = await newStore({ maxPixels: 10 }).acquire({ url: server.url('/bad.tar') });
    expect(strict.sample('good')).toMatchObject({ ok: false, reason: 'oversize' });
  });

  it('reads the samples of a shard without an index from its tar headers, bad labels as manifest problems', async () => {
    const { bytes } = shardOf(samples(3));
    const withBadLabel = writeTar([
      ...[0, 1, 2].map((k) => ({ name: `0000${k}.png`, data: samples(3)[k].image })),
      ...[0, 1, 2].map((k) => ({ name: `0000${k}.cls`, data: new TextEncoder().encode(k === 1 ? '9' : String(k)) })),
    ]);
    server.files.set('/plain.tar', { bytes });
    server.files.set('/label.tar', { bytes: withBadLabel });
    const store = newStore();
    const index = await store.readIndex({ url: server.url('/plain.tar') });
    expect(index.samples.map((s) => [s.key, s.label])).toEqual([
      ['00000', 0],
      ['00001', 1],
      ['00002', 2],
    ]);
    expect([index.bytes, index.indexedFrom]).toEqual([bytes.length, 'headers']);
    const lease = await store.acquire({ url: server.url('/label.tar') });
    expect(lease.sample('00001')).toMatchObject({ ok: false, reason: 'manifest', message: 'its "00001.cls" holds "9", not a class index in 0..2' });
    expect(store.stats()).toMatchObject({ headerIndexed: 2, requests: 2 });
  });

  it('fails a shard that takes longer than timeoutMs with reason timeout, naming it', async () => {
    serveShard('/slow.tar', 2);
    server.hold();
    const url = server.url('/slow.tar');
    const lease = await bounded(newStore({ timeoutMs: 100 }).acquire({ url }), 5000, 'the timeout');
    expect(lease.sample('00000')).toEqual({ ok: false, source: `${url}#00000`, reason: 'timeout', message: `the shard ${url} did not arrive within 100 ms` });
  });

  it('ends a caller\'s wait on its signal without stopping the fetch others share, and every wait on close', async () => {
    const ref = serveShard('/shared.tar', 2);
    server.hold();
    const store = newStore();
    const stay = store.acquire(ref);
    const abort = new AbortController();
    const leave = store.acquire(ref, { signal: abort.signal });
    await bounded(server.received(1), 5000, 'the shard request');
    abort.abort(new Error('caller left'));
    await expect(leave).rejects.toThrow('caller left');
    server.release();
    expect((await stay).sample('00001').ok).toBe(true);
    expect(server.count('/shared.tar')).toBe(1);

    serveShard('/never.tar', 1);
    server.hold();
    const waiting = store.acquire({ url: server.url('/never.tar') });
    await bounded(server.received(2), 5000, 'the second request');
    store.close();
    await expect(waiting).rejects.toThrow('`ShardStore` is closed: a closed loader fetches no shard');
    await expect(store.acquire(ref)).rejects.toThrow('`ShardStore` is closed');
  });

  it('refuses a shard larger than the budget allows one shard, without reading it all', async () => {
    const ref = serveShard('/big.tar', 40);
    const lease = await newStore({ budgetBytes: 4096 }).acquire({ url: ref.url });
    expect(lease.sample('00000')).toMatchObject({
      ok: false,
      reason: 'source',
      message: `the shard ${ref.url} is larger than 4096 bytes, the most \`shardCacheBytes\` lets one shard take; raise it, or pack smaller shards`,
    });
  });

  it('refuses options that are not positive numbers', () => {
    expect(() => new ShardStore({ classCount: 3, budgetBytes: 0 })).toThrow('`ShardStore`: `budgetBytes` must be a positive integer, got 0');
    expect(() => new ShardStore({ classCount: 3, timeoutMs: Infinity })).toThrow('`ShardStore`: `timeoutMs` must be a positive number, got Infinity');
  });
});
