/**
 * A custom dataset module of the fixture app, importing the installed
 * package by name: the app's bundler bundles it as a module worker (main.ts
 * starts it with `new Worker(new URL(...))`). Sample i is [i, i + offset,
 * the id of the worker that ran init], label i % 3.
 */
import { defineDataset } from 'feedline';

let initialized = -2;

export default defineDataset<{ offset: number }>({
  init({ id }) {
    initialized = id;
  },
  getItem(index, { args }) {
    return { values: Uint8Array.from([index, index + args.offset, initialized]), label: index % 3 };
  },
});
