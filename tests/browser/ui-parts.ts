/**
 * Runs in the ui-parts page: applies the saved theme, mounts the demo with a
 * known series and run history, and exposes `window.uiParts` for the spec:
 * save a known record, add a step to the live series. The title becomes
 * "ui parts ready" once history has loaded.
 */
import { mount } from 'svelte';
import '../../src/app/app.css';
import { RunHistoryStore } from '../../src/app/run-history-store.svelte.ts';
import { startTheme } from '../../src/app/theme.ts';
import UiParts from './UiParts.svelte';
import { demoRecord } from './ui-parts-data.ts';
import { reactiveDemoSeries } from './ui-parts-state.svelte.ts';

startTheme();
// Reactive like the session's series: the chart must not rebuild on each push.
const series = reactiveDemoSeries();
const store = new RunHistoryStore();
mount(UiParts, { target: document.getElementById('app')!, props: { series, store } });

const api = {
  saveRecord: (n: number) => store.save(demoRecord(n)),
  /** A step past the last, with round values; mutated in place as a live session does. */
  pushStep(loss: number, accuracy: number) {
    const step = series.loss.length + 1;
    series.loss.push({ step, time: step * 50, value: loss });
    series.trainAccuracy.push({ step, time: step * 50, value: accuracy });
    return step;
  },
  historyError: () => store.error,
};
(window as unknown as { uiParts: typeof api }).uiParts = api;

await store.refresh();
document.title = 'ui parts ready';
