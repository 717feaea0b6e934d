/**
 * What each named augmentation of the playground (PlaygroundValues.augment)
 * stands for: the loader's `augment` list, in torchvision's names and order.
 * One table for the session that builds the loader and for "Copy as
 * PyTorch", so the Python script augments as the page does.
 *
 * crop-flip uses RandomResizedCrop, not RandomCrop with padding: the bundled
 * shapes are 160×160 JPEGs read at 32×32, and RandomCrop would cut a 32×32
 * corner out of them. The crop keeps at least half the area, so a digit or a
 * shape stays recognisable.
 */
import type { Augmentation } from '../loader/index.ts';
import type { AugmentSetting } from './playground-values.ts';

export const AUGMENT_RECIPES: { readonly [K in AugmentSetting]: readonly Augmentation[] } = {
  none: [],
  flip: [{ type: 'RandomHorizontalFlip', p: 0.5 }],
  'crop-flip': [
    { type: 'RandomResizedCrop', scale: [0.5, 1], ratio: [3 / 4, 4 / 3] },
    { type: 'RandomHorizontalFlip', p: 0.5 },
  ],
  jitter: [{ type: 'ColorJitter', brightness: 0.4, contrast: 0.4, saturation: 0.4 }],
};
