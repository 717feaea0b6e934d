/**
 * The hand-off bench's echo (bench/handoff-page.ts): posts each batch back as
 * it came, cloned or transferred, so the page measures a message hand-off's
 * whole cost per batch.
 */
// A worker's postMessage(message, transfer); the page's lib types `self` as a window.
const scope = self as unknown as { onmessage: unknown; postMessage(message: unknown, transfer: Transferable[]): void };
scope.onmessage = (event: MessageEvent<{ pixels: Uint8Array<ArrayBuffer>; transfer: boolean }>) => {
  const { pixels, transfer } = event.data;
  scope.postMessage({ pixels, transfer }, transfer ? [pixels.buffer] : []);
};
