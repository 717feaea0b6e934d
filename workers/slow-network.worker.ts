/**
 * The loader worker with the playground's simulated network latency
 * (src/app/simulated-latency.ts): the real worker API, whose reads wait the
 * latency set by simulate() before init.
 */
import { expose } from 'comlink';
import { CanvasPixelReader } from '../src/loader/worker/decode.ts';
import { createWorkerApi } from '../src/loader/worker/worker-api.ts';
import { LatencyReader, type SimulatedLatency, type SlowNetworkApi } from '../src/app/simulated-latency.ts';

let latency: SimulatedLatency = { latencyMs: 0, jitterMs: 0 };
const api = createWorkerApi((image, maxPixels) => new LatencyReader(new CanvasPixelReader(image, maxPixels), () => latency));
const slow: SlowNetworkApi = {
  simulate(next) {
    latency = next;
  },
};
expose({ ...api, ...slow });
