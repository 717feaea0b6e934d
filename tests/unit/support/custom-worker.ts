/**
 * A loader worker thread running a custom dataset module (support/custom-module.ts):
 * what defineDataset exposes in a browser worker, over a worker_threads port.
 */
import { parentPort } from 'node:worker_threads';
import { expose } from 'comlink';
import { createWorkerApi } from '../../../src/loader/worker/worker-api.ts';
import definition from './custom-module.ts';
import { FakeReader } from './fake-reader.ts';
import { parentEndpoint } from './threads.ts';

expose(createWorkerApi((image) => new FakeReader(image, {}), definition), parentEndpoint(parentPort!));
