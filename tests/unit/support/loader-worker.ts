/**
 * A loader worker thread for the DataLoader tests: the library's own worker
 * API (as src/loader/worker/entry.ts exposes it) wrapped for fault injection
 * (src/loader/testing/fault-worker-api.ts; inert unless armed), with a
 * FakeReader instead of the canvas. workerData.reader is the FakeReaderConfig.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { expose } from 'comlink';
import { createFaultWorkerApi } from '../../../src/loader/testing/fault-worker-api.ts';
import { FakeReader, type FakeReaderConfig } from './fake-reader.ts';
import { parentEndpoint } from './threads.ts';

const config = (workerData as { reader: FakeReaderConfig }).reader;
if (config.crashAtStartup) throw new Error('fake failure while the worker script starts');
// A fault of kind 'exit' ends the thread without an 'error' event, as a killed browser worker vanishes.
expose(
  createFaultWorkerApi((image) => new FakeReader(image, config), { exit: () => process.exit(1) }),
  parentEndpoint(parentPort!),
);
