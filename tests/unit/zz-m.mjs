import { Worker } from 'node:worker_threads';
const t = Date.now();
const w = new Worker(new URL('./zz-boot.mjs', import.meta.url), {workerData:{entry: new URL('./zz-w.ts', import.meta.url).href}});
w.on('message', (m) => { console.log('msg', m, Date.now() - t); w.terminate(); });
w.on('error', (e) => console.log('err', e.message));
