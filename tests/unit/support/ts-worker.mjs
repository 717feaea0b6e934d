// Bootstrap for worker_threads that run TypeScript. Node 20 cannot load .ts,
// and `execArgv: ['--import', 'tsx']` does not help: tsx's ESM loader only
// registers itself on the main thread. So each worker registers tsx itself,
// then imports the real entry (workerData.entry, a file: URL).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
