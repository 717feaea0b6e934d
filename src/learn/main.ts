/**
 * The Learn page (learn.html): the article is static HTML; this adds the
 * theme toggle, the line about the reader's machine, and the demos'
 * figures written into the text. The demos themselves are iframes and
 * start buttons that embed-host.js runs, as on any docs page.
 */
import { mount } from 'svelte';
import ThemeToggle from '../ui/ThemeToggle.svelte';
import { startTheme } from '../app/theme.ts';
import type { FiguresMessage } from '../embed/frame-messages.ts';
import { figureText } from './figure-text.ts';
import { coresText, gpuText, isolationText, probeAdapter } from './machine-line.ts';
import '../app/app.css';
import './learn.css';

startTheme();
mount(ThemeToggle, { target: document.getElementById('theme')! });

const machine = (name: string, text: string) => {
  const slot = document.querySelector(`[data-machine="${name}"]`);
  if (slot) slot.textContent = text;
};
machine('cores', coresText(navigator.hardwareConcurrency));
machine('isolation', isolationText(globalThis.crossOriginIsolated === true));
void probeAdapter().then((info) => machine('gpu', gpuText(info)));

document.addEventListener('feedline:figures', (event) => {
  const figures = (event as CustomEvent<FiguresMessage>).detail;
  for (const output of document.querySelectorAll<HTMLOutputElement>(`output[data-demo="${CSS.escape(figures.id)}"][data-figure]`)) {
    output.value = figureText(output.dataset.figure!, figures);
  }
});
