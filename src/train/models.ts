/**
 * Model presets for the bundled datasets. Each is a function of the input
 * shape (taken from the first batch) and the number of classes, and ends in
 * logits: the loss applies the softmax (numerically stabler than a softmax
 * layer followed by a log).
 */
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../loader/index.ts';

export type InputShape = [height: number, width: number, channels: number];

export interface Preset {
  name: string;
  /** One line for a select box. */
  description: string;
  build(inputShape: InputShape, classes: number): tf.LayersModel;
}

const SEED = 42; // weights start the same for the same preset, shape and seed

function init(seed: number) {
  return tf.initializers.glorotUniform({ seed });
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'linear',
    description: 'logistic regression: flatten, one dense layer',
    build: (inputShape, classes) =>
      tf.sequential({
        name: 'linear',
        layers: [
          tf.layers.flatten({ inputShape }),
          tf.layers.dense({ units: classes, kernelInitializer: init(SEED) }),
        ],
      }),
  },
  {
    name: 'mlp',
    description: 'MLP: flatten, dense 128 + ReLU, dense',
    build: (inputShape, classes) =>
      tf.sequential({
        name: 'mlp',
        layers: [
          tf.layers.flatten({ inputShape }),
          tf.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(SEED) }),
          tf.layers.dense({ units: classes, kernelInitializer: init(SEED + 1) }),
        ],
      }),
  },
  {
    name: 'cnn',
    description: 'CNN: conv-pool blocks (8, 16, 32 filters) down to about 4×4, then dense',
    build: (inputShape, classes) => {
      const layers: tf.layers.Layer[] = [];
      let size = Math.min(inputShape[0], inputShape[1]);
      let filters = 8;
      // Enough 3×3 conv + 2×2 pool blocks to bring the image down to 3-4
      // pixels: 3 for MNIST (28 -> 3) and for shapes at 32×32 (32 -> 4), 4 at
      // 64×64. The third block is what learns the shapes set: with two (down
      // to 8×8) test accuracy was 73% after 4 epochs at lr 0.003, with three
      // 91% after 3 at lr 0.004 (WebGL, batch 32).
      for (let block = 0; block === 0 || (size > 4 && block < 5); block++) {
        layers.push(
          tf.layers.conv2d({
            ...(block === 0 ? { inputShape } : {}),
            filters,
            kernelSize: 3,
            padding: 'same',
            activation: 'relu',
            kernelInitializer: init(SEED + block),
          }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
        );
        size = Math.floor(size / 2);
        filters = Math.min(filters * 2, 32);
      }
      layers.push(tf.layers.flatten(), tf.layers.dense({ units: classes, kernelInitializer: init(SEED + 9) }));
      return tf.sequential({ name: 'cnn', layers });
    },
  },
  {
    name: 'cnn-tiny',
    description: 'tiny CNN: one conv (4 filters) + pool, dense: for WebGPU in software',
    build: (inputShape, classes) =>
      tf.sequential({
        name: 'cnn-tiny',
        layers: [
          tf.layers.conv2d({ inputShape, filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(SEED) }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: classes, kernelInitializer: init(SEED + 1) }),
        ],
      }),
  },
];

export type PresetName = 'linear' | 'mlp' | 'cnn' | 'cnn-tiny';

/**
 * The model for batches of `inputShape`: the given one, checked against it,
 * or the named preset built for it.
 */
export function modelFor(model: tf.LayersModel | null, presetName: string | null, inputShape: InputShape, classes: number): tf.LayersModel {
  const built = model ?? preset(presetName!).build(inputShape, classes);
  const expected = built.inputs[0].shape.slice(1);
  if (expected.some((d, i) => d !== null && d !== inputShape[i])) {
    throw new OptionError(
      `\`Trainer\`: batches of shape [${inputShape}] do not fit the model's input [${expected}]; set the loader's \`image\` option to match.`,
    );
  }
  return built;
}

export function preset(name: string): Preset {
  const found = PRESETS.find((p) => p.name === name);
  if (!found) {
    throw new OptionError(`\`Trainer\` option \`model\` must be a LayersModel or one of ${PRESETS.map((p) => `'${p.name}'`).join(', ')}; got ${JSON.stringify(name)}.`);
  }
  return found;
}
