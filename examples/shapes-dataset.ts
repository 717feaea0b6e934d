/**
 * Example 2, the dataset: a custom image dataset whose getItem opens an
 * image and applies Resize((224, 224)), ToTensor() and Normalize(mean, std).
 * The main side is shapes-loader.ts.
 *
 * PyTorch:
 *
 *   transform = transforms.Compose([
 *       transforms.Resize((224, 224)),
 *       transforms.ToTensor(),
 *       transforms.Normalize(mean, std),
 *   ])
 *   class ShapesDataset(Dataset):
 *       def __init__(self, items, transform):
 *           self.items, self.transform = items, transform
 *       def __len__(self):
 *           return len(self.items)
 *       def __getitem__(self, idx):
 *           path, label = self.items[idx]
 *           image = Image.open(path).convert('RGB')
 *           return self.transform(image), label
 *
 * Feedline: decodeImage is PIL's Image.open + Resize, with the loader's own
 * decoder (the built-in image pipeline's pixels). Values are HWC, as every
 * Feedline image batch ([n, 224, 224, 3]); PyTorch's ToTensor gives CHW.
 */
import { defineDataset } from '../src/loader/index.ts'; // in your app: from 'feedline'

export interface ShapesArgs {
  /** Absolute image URLs and their labels: plain data, sent to each worker once. */
  items: Array<{ src: string; label: number }>;
  size: number;
  mean: number[];
  std: number[];
}

export default defineDataset<ShapesArgs>({
  async getItem(index, { args, decodeImage }) {
    const { src, label } = args.items[index];
    const { size, mean, std } = args;
    const pixels = await decodeImage(src, { width: size, height: size, channels: 3 }); // open, convert('RGB'), Resize
    const values = new Float32Array(pixels.length);
    for (let k = 0; k < pixels.length; k++) {
      const c = k % 3;
      values[k] = (pixels[k] / 255 - mean[c]) / std[c]; // ToTensor, then Normalize
    }
    return { values, label };
  },
});
