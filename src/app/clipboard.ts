/**
 * Copies text for ShareBar: the async clipboard first; where the page may
 * not use it (no permission, an insecure origin, an iframe without
 * clipboard-write), a hidden textarea's selection and execCommand('copy'),
 * which works inside the click that asked. When both fail, the caller shows
 * the text selected for the user to copy by hand.
 */

export type CopyOutcome = 'clipboard' | 'selection' | 'failed';

/** The environment copyText uses: the page's, or a test's stand-in. */
export interface CopyEnv {
  clipboard?: { writeText(text: string): Promise<void> };
  document?: Document;
}

export async function copyText(text: string, env: CopyEnv = { clipboard: globalThis.navigator?.clipboard, document: globalThis.document }): Promise<CopyOutcome> {
  if (env.clipboard) {
    try {
      await env.clipboard.writeText(text);
      return 'clipboard';
    } catch {
      // refused (NotAllowedError) or unavailable: fall back to a selection below
    }
  }
  const doc = env.document;
  if (!doc?.body) return 'failed';
  const area = doc.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  // Off-screen but rendered: a display:none textarea cannot hold a selection.
  area.style.position = 'fixed';
  area.style.top = '-1000px';
  area.style.opacity = '0';
  doc.body.append(area);
  try {
    area.select();
    return doc.execCommand('copy') ? 'selection' : 'failed';
  } catch {
    return 'failed';
  } finally {
    area.remove();
  }
}
