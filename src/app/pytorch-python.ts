/**
 * Pieces of "Copy as PyTorch" that depend on the settings: Python literals,
 * the torchvision transforms for an `augment` list, and the model presets of
 * src/train/models.ts as torch.nn. pytorch-snippet.ts puts them together.
 */
import type { Augmentation, Normalize } from '../loader/index.ts';

/** A Python literal: True/False, None, numbers, strings (JSON's escapes are Python's), tuples for arrays. */
export function py(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`py: ${value} has no Python literal here`);
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return value.length === 1 ? `(${py(value[0])},)` : `(${value.map(py).join(', ')})`;
  throw new TypeError(`py: no Python literal for ${typeof value}`);
}

/** "name=value" pairs for the options that are set. */
function kwargs(pairs: Record<string, unknown>): string {
  return Object.entries(pairs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${py(v)}`)
    .join(', ');
}

/** torchvision's 'nearest' default is InterpolationMode.NEAREST; 'bilinear' is BILINEAR. */
const interpolation = (mode: 'nearest' | 'bilinear' | undefined) =>
  mode === undefined ? undefined : mode === 'bilinear' ? 'T.InterpolationMode.BILINEAR' : 'T.InterpolationMode.NEAREST';

/**
 * One transform per augmentation, as torchvision spells it. `size` is the
 * output (height, width): RandomResizedCrop takes the place of the resize.
 */
function transformLine(a: Augmentation, size: string): string {
  switch (a.type) {
    case 'RandomResizedCrop':
      return `T.RandomResizedCrop(${size}, ${kwargs({ scale: a.scale, ratio: a.ratio })})`.replace(', )', ')');
    case 'RandomCrop':
      return `T.RandomCrop(${size}, ${kwargs({ padding: a.padding })})`.replace(', )', ')');
    case 'RandomHorizontalFlip':
      return `T.RandomHorizontalFlip(${kwargs({ p: a.p })})`;
    case 'RandomVerticalFlip':
      return `T.RandomVerticalFlip(${kwargs({ p: a.p })})`;
    case 'RandomRotation': {
      const mode = interpolation(a.interpolation);
      return `T.RandomRotation(${py(a.degrees)}${mode ? `, interpolation=${mode}` : ''})`;
    }
    case 'RandomAffine': {
      const mode = interpolation(a.interpolation);
      const rest = kwargs({ translate: a.translate, scale: a.scale });
      return `T.RandomAffine(${py(a.degrees)}${rest ? `, ${rest}` : ''}${mode ? `, interpolation=${mode}` : ''})`;
    }
    case 'ColorJitter':
      return `T.ColorJitter(${kwargs({ brightness: a.brightness, contrast: a.contrast, saturation: a.saturation })})`;
  }
}

export interface TransformPlan {
  augment: readonly Augmentation[];
  /** Output [height, width] when the loader resizes; null keeps the dataset's own size. */
  size: [number, number] | null;
  channels: number;
  /** Applied after ToTensor (0..1), as the loader's float32 path; null keeps 0..1 (the page's uint8 view). */
  normalize: Normalize | null;
}

/** The `T.Compose([...])` expression of a plan, one transform a line (indented for `transform = `). */
export function transformsPython({ augment, size, channels, normalize }: TransformPlan): string {
  const sizeText = size ? py(size) : 'SIZE';
  const lines: Array<[code: string, comment?: string]> = [];
  const cropped = augment.some((a) => a.type === 'RandomResizedCrop' || a.type === 'RandomCrop');
  if (size && !cropped) lines.push([`T.Resize(${py(size)})`, "image.fit 'stretch': the aspect is not kept"]);
  for (const a of augment) lines.push([transformLine(a, sizeText)]);
  lines.push(['T.ToTensor()', 'HWC bytes to CHW floats in 0..1, as dtype float32']);
  if (normalize) {
    const perChannel = (v: number | readonly number[]) => (typeof v === 'number' ? Array.from({ length: channels }, () => v) : [...v]);
    lines.push([`T.Normalize(mean=${py(perChannel(normalize.mean))}, std=${py(perChannel(normalize.std))})`]);
  }
  const body = lines.map(([code, comment]) => `    ${code},${comment ? `  # ${comment}` : ''}`);
  return `T.Compose([\n${body.join('\n')}\n])`;
}

/**
 * The model presets of src/train/models.ts, built from the first batch's
 * shape as the Trainer does. tfjs is NHWC and PyTorch NCHW, so a trained
 * Dense layer's weights are in another order: the same architecture, not
 * interchangeable checkpoints.
 */
const MODELS: Record<string, string> = {
  linear: `    # linear: flatten, one dense layer (logistic regression)
    return nn.Sequential(nn.Flatten(), nn.Linear(math.prod(shape), classes))`,
  mlp: `    # mlp: flatten, dense 128 + ReLU, dense
    return nn.Sequential(nn.Flatten(), nn.Linear(math.prod(shape), 128), nn.ReLU(), nn.Linear(128, classes))`,
  cnn: `    # cnn: 3x3 conv + ReLU + 2x2 max-pool blocks (8, 16, 32 filters) until the image is about 7 pixels, then dense
    c, h, w = shape
    layers, size, filters, block = [], min(h, w), 8, 0
    while block == 0 or (size > 9 and block < 5):
        layers += [nn.Conv2d(c, filters, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        c, h, w, size = filters, h // 2, w // 2, size // 2
        filters, block = min(filters * 2, 32), block + 1
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(c * h * w, classes))`,
  'cnn-tiny': `    # cnn-tiny: one 3x3 conv (4 filters) + ReLU + 2x2 max-pool, dense
    c, h, w = shape
    return nn.Sequential(nn.Conv2d(c, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * (h // 2) * (w // 2), classes))`,
};

export class SnippetError extends Error {
  override name = 'SnippetError';
  constructor(
    message: string,
    readonly setting: string,
    readonly value: unknown,
  ) {
    super(message);
  }
}

/** `def build_model(shape, classes)` for a preset; the layers end in logits (CrossEntropyLoss applies the softmax). */
export function modelPython(name: string): string {
  const body = MODELS[name];
  if (!body) throw new SnippetError(`no PyTorch model for the preset "${name}" (presets: ${Object.keys(MODELS).join(', ')})`, 'model', name);
  return `def build_model(shape, classes):
    """The preset "${name}" for inputs of \`shape\` (C, H, W); ends in logits."""
${body}


def glorot(module):
    # tfjs starts kernels Glorot-uniform with zero biases; PyTorch's default init differs.
    if isinstance(module, (nn.Linear, nn.Conv2d)):
        nn.init.xavier_uniform_(module.weight)
        nn.init.zeros_(module.bias)`;
}
