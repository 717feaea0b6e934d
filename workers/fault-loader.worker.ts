/**
 * workers/ holds worker entry points that are not part of the library: each
 * file is a thin Comlink `expose` of an API defined elsewhere, started with
 * `new Worker(new URL(...), { type: 'module' })`. The library's own worker
 * entry is src/loader/worker/entry.ts, so that src/loader needs nothing
 * outside itself; what lives here is for tests and tools.
 *
 * This one is the loader worker with fault injection, for the browser tests
 * (tests/browser/reliability-harness.ts): the real worker API, wrapped so a
 * test can make it exit, throw, hang or stall (src/loader/testing/).
 */
import { expose } from 'comlink';
import { CanvasPixelReader } from '../src/loader/worker/decode.ts';
import { createFaultWorkerApi } from '../src/loader/testing/fault-worker-api.ts';

expose(createFaultWorkerApi((image, maxPixels) => new CanvasPixelReader(image, maxPixels), { exit: () => self.close() }));
