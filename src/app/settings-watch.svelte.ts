/**
 * Calls `changed(label)` when the picked settings change ("numWorkers 2→4"),
 * debounced, so typing "16" is one change. Call it while a component
 * initialises (it makes an $effect); the playground and the embed both take
 * their loader changes this way.
 */
import { untrack } from 'svelte';
import type { PlaygroundValues } from './playground-values.ts';
import { changeLabel, pick } from './session-keys.ts';
import type { PlaygroundSettings } from './settings.svelte.ts';

const DEBOUNCE_MS = 150;

export function watchSettings(settings: PlaygroundSettings, keys: ReadonlyArray<keyof PlaygroundValues>, changed: (label: string) => void): void {
  let before = pick(settings.values(), keys);
  let timer: ReturnType<typeof setTimeout> | undefined;
  $effect(() => {
    const after = pick(settings as unknown as PlaygroundValues, keys); // reads each field: the effect depends on exactly these
    untrack(() => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const label = changeLabel(before, after);
        before = after;
        if (label) changed(label);
      }, DEBOUNCE_MS);
    });
  });
}
