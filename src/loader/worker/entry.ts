/**
 * A DataLoader worker: PyTorch's worker process, as a module Worker. It
 * fetches and decodes the samples of the batches it is given and writes them
 * into ring slots. Started by src/loader/producers.ts.
 */
import { expose } from 'comlink';
import { CanvasPixelReader } from './decode.ts';
import { createWorkerApi } from './worker-api.ts';

expose(createWorkerApi((image, maxPixels) => new CanvasPixelReader(image, maxPixels)));
