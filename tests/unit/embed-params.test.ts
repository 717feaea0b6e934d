/**
 * The embed's URL: which controls show, autostart, the theme (the host's
 * included), the frame's id; what the playground's own reader then sees;
 * and the snippet "Embed this" copies.
 */
import { describe, expect, it } from 'vitest';
import { embedParams, settingsSearch } from '../../src/embed/embed-params.ts';
import { embedSnippet, FIRST_HEIGHT_PX } from '../../src/embed/embed-snippet.ts';
import { fromSearch } from '../../src/app/url-state.ts';

describe('embed params', () => {
  it('shows no controls, does not autostart and follows the system theme by default', () => {
    expect(embedParams('')).toEqual({ controls: [], autostart: false, theme: 'system', id: '', warnings: [] });
  });

  it('reads the controls named, all of them but the presets, or none; an unknown group is dropped with a warning', () => {
    expect(embedParams('?controls=workers,prefetch').controls).toEqual(['workers', 'prefetch']);
    expect(embedParams('?controls=all').controls).not.toContain('presets');
    expect(embedParams('?controls=all').controls).toContain('simulate');
    expect(embedParams('?controls=none').controls).toEqual([]);
    const bad = embedParams('?controls=workers,turbo');
    expect(bad.controls).toEqual(['workers']);
    expect(bad.warnings).toEqual([expect.stringMatching(/^controls: no control group "turbo" \(groups: dataset, model, .*, or all, or none\)$/)]);
  });

  it('reads autostart, theme=host and the id, and warns on an unknown theme', () => {
    expect(embedParams('?autostart=1&theme=host&id=demo-2')).toMatchObject({ autostart: true, theme: 'host', id: 'demo-2', warnings: [] });
    expect(embedParams('?autostart=0').autostart).toBe(false);
    expect(embedParams('?theme=sepia')).toMatchObject({ theme: 'system', warnings: ['theme must be one of system, light, dark, host; got "sepia"'] });
  });

  it("hands the playground's reader its settings without the embed's params, so it warns about none of them", () => {
    const search = '?preset=slow-network&workers=auto&controls=workers&autostart=1&theme=host&id=a';
    expect(settingsSearch(search)).toBe('?preset=slow-network&workers=auto');
    const state = fromSearch(settingsSearch(search));
    expect(state.warnings).toEqual([]);
    expect(state.values.numWorkers).toBe('auto');
    expect(settingsSearch('?theme=dark&autostart=1')).toBe('?theme=dark');
  });
});

describe('embed snippet', () => {
  it('writes an iframe on embed.html with the settings, the controls, autostart and the host theme, and the host script beside it', () => {
    const html = embedSnippet('https://docs.example.org/feedline/index.html', '?preset=slow-network&workers=1', {
      controls: ['workers', 'prefetch'],
      title: 'Feedline demo: "slow" <network>',
    });
    expect(html).toBe(
      [
        '<iframe src="https://docs.example.org/feedline/embed.html?preset=slow-network&amp;workers=1&amp;controls=workers,prefetch&amp;autostart=1&amp;theme=host" title="Feedline demo: &quot;slow&quot; &lt;network>" loading="lazy"',
        `        style="width:100%;height:${FIRST_HEIGHT_PX}px;border:0" allow="cross-origin-isolated"></iframe>`,
        '<script src="https://docs.example.org/feedline/embed-host.js" async></script>',
      ].join('\n'),
    );
  });

  it('leaves out the controls when none are asked for, and autostart when it is off', () => {
    const html = embedSnippet('http://localhost:5173/', '', { autostart: false });
    expect(html).toContain('src="http://localhost:5173/embed.html?theme=host"');
  });

  it("leaves out a forced backend: each reader's browser picks its own", () => {
    const html = embedSnippet('http://localhost:5173/', '?preset=workers&backend=webgl&workers=2');
    expect(html).toContain('src="http://localhost:5173/embed.html?preset=workers&amp;workers=2&amp;autostart=1&amp;theme=host"');
  });

  it("with start 'click' writes a link the host script turns into a click-to-start button", () => {
    const html = embedSnippet('https://docs.example.org/feedline/', '?preset=compute-bound', { start: 'click', title: 'Compute-bound <demo>' });
    expect(html).toBe(
      [
        '<a href="https://docs.example.org/feedline/embed.html?preset=compute-bound&amp;theme=host" data-feedline-demo>Compute-bound &lt;demo&gt;</a>',
        '<script src="https://docs.example.org/feedline/embed-host.js" async></script>',
      ].join('\n'),
    );
  });
});
