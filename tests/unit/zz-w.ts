import { parentPort } from 'node:worker_threads';
import { slotLayout } from '/work/main/src/loader/ring.ts';
const x: number = 1;
parentPort!.postMessage(slotLayout({ batchSize: 3, sampleElements: 5, dtype: 'float32' }).slotBytes + x);
