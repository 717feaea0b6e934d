/**
 * ShareBar's copy: the async clipboard when the page may use it, else a
 * textarea selection copied with execCommand, else 'failed' so the page
 * shows the text to copy by hand.
 */
import { describe, expect, it } from 'vitest';
import { copyText } from '../../src/app/clipboard.ts';

/** Just enough of a Document for the selection fallback; records what was selected and copied. */
function fakeDocument(copies: boolean) {
  const log: string[] = [];
  const children: unknown[] = [];
  const doc = {
    body: { append: (el: unknown) => children.push(el) },
    createElement: () => {
      const area = {
        value: '',
        style: {} as Record<string, string>,
        setAttribute: () => undefined,
        select: () => log.push(`select ${area.value}`),
        remove: () => children.splice(children.indexOf(area), 1),
      };
      return area;
    },
    execCommand: (command: string) => (log.push(command), copies),
  };
  return { doc: doc as unknown as Document, log, children };
}

describe('copyText', () => {
  it('writes to the async clipboard when it accepts', async () => {
    const written: string[] = [];
    const outcome = await copyText('?workers=4', { clipboard: { writeText: async (t) => void written.push(t) } });
    expect(outcome).toBe('clipboard');
    expect(written).toEqual(['?workers=4']);
  });

  it('falls back to a selected textarea and execCommand when the clipboard refuses, and removes the textarea', async () => {
    const { doc, log, children } = fakeDocument(true);
    const refused = { writeText: () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError')) };
    expect(await copyText('import torch', { clipboard: refused, document: doc })).toBe('selection');
    expect(log).toEqual(['select import torch', 'copy']);
    expect(children).toEqual([]);
  });

  it("says 'failed' when neither works, or when there is no clipboard and no document", async () => {
    const { doc } = fakeDocument(false);
    expect(await copyText('x', { document: doc })).toBe('failed');
    expect(await copyText('x', {})).toBe('failed');
  });
});
