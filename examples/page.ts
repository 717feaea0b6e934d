/**
 * The examples page: runs each example and hands plain results to the
 * browser test (tests/browser/examples.spec.ts) through window.examples.
 */
import { DataLoader, ImageDataset, type LoaderDataset } from '../src/loader/index.ts';
import * as tensor from './tensor-dataset.ts';
import * as errorProne from './error-prone-loop.ts';
import * as shapes from './shapes-loader.ts';

const log = (line: string) => void (document.getElementById('log')!.textContent += `${line}\n`);

/** Example 1: each epoch's order, the batch shapes, and samples whose values differ from the dataset's. */
async function runTensor() {
  const dataset = tensor.makeDataset();
  const orders: number[][] = [[], []];
  const shapes = new Set<string>();
  let wrong = 0;
  await tensor.train(dataset, (x, y, batch) => {
    shapes.add(JSON.stringify(batch.shape));
    batch.indices.forEach((i, j) => {
      orders[batch.epoch].push(i);
      const want = dataset.values(i);
      if (y[j] !== dataset.label(i) || want.some((v, k) => x[j * 10 + k] !== v)) wrong++;
    });
  });
  return { orders, shapes: [...shapes], wrong, shared: dataset.shared, labels: [dataset.label(0), dataset.label(1)] };
}

async function runRaise(sleepMs: number) {
  const printed: string[] = [];
  const trained = await errorProne.trainCarryingOn(errorProne.makeDataset({ sleepMs, slowEvery: 1 }), (line) => {
    printed.push(line);
    log(line);
  });
  return { printed, trained };
}

async function runSkip(sleepMs: number, slowEvery: number, timeoutMs: number) {
  const { delivered, skipped } = await errorProne.epochSkipping(errorProne.makeDataset({ sleepMs, slowEvery }), { timeoutMs });
  return { delivered, skipped: skipped.map((s) => ({ index: s.index, reason: s.reason, source: s.source, message: s.error.message })) };
}

/** Example 2 against the built-in pipeline: the first batch's values, byte for byte. */
async function runShapes(limit: number) {
  const items = await shapes.shapesItems('/datasets/shapes/manifest.json', 'train', limit);
  const custom = shapes.makeLoader(shapes.makeDataset(items));
  const builtIn = new DataLoader(ImageDataset.fromItems(items, ['circle', 'square', 'triangle', 'star', 'ring', 'cross']), {
    batchSize: 8,
    numWorkers: 2,
    image: { width: 224, height: 224, channels: 3 },
    dtype: 'float32',
    normalize: { mean: shapes.MEAN, std: shapes.STD },
  });
  const first = async (loader: DataLoader<LoaderDataset>) => {
    for await (const batch of loader) {
      return { shape: [...batch.shape], labels: [...batch.labels], values: batch.values.slice() as Float32Array };
    }
    throw new Error('no batch');
  };
  try {
    const [a, b] = [await first(custom), await first(builtIn as DataLoader<LoaderDataset>)];
    let differ = 0;
    for (let k = 0; k < a.values.length; k++) if (a.values[k] !== b.values[k]) differ++;
    return { shapes: [a.shape, b.shape], labels: [a.labels, b.labels], differ, sample: [a.values[0], a.values[1000]] };
  } finally {
    custom.close();
    builtIn.close();
  }
}

const problems: string[] = [];
addEventListener('error', (event) => problems.push(String(event.message)));
addEventListener('unhandledrejection', (event) => problems.push(String(event.reason)));

Object.assign(window, { examples: { runTensor, runRaise, runSkip, runShapes, problems } });
document.title = 'Feedline examples ready';
