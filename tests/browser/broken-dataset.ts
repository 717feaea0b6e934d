/** A dataset module that throws while it loads, before it defines anything: for datasets.spec's "one clear error". */
import { defineDataset } from '../../src/loader/index.ts';

throw new Error('cannot open the data root');

export default defineDataset({ getItem: () => ({ values: new Uint8Array(1), label: 0 }) });
