/// <reference types="@webgpu/types" />
/**
 * Watches a WebGPU device for loss. A readback on a lost device may never
 * settle, so whatever the training loop awaits goes through `until()`, which
 * rejects as soon as the device goes.
 *
 * Waiters register in a set and leave it when they settle, so a device that
 * never goes away collects no reactions, however many steps run.
 */
export class DeviceWatch {
  #lost: GPUDeviceLostInfo | null = null;
  /** Rejecters of the promises `until()` is racing; all called when the device goes. */
  readonly #waiters = new Set<(error: Error) => void>();

  /** Starts watching `device`; without one (WebGL, CPU) nothing is ever lost. */
  watch(device: GPUDevice | null): void {
    void device?.lost.then((info) => {
      this.#lost = info;
      for (const reject of this.#waiters) reject(new Error(`device lost: ${info.reason}`)); // runFit reports a DeviceLostError
      this.#waiters.clear();
    });
  }

  /** The device-lost report, once the device is gone. */
  get lost(): GPUDeviceLostInfo | null {
    return this.#lost;
  }

  /** `promise`, or a rejection once the device is lost. */
  until<T>(promise: Promise<T>): Promise<T> {
    if (this.#lost) return Promise.reject(new Error(`device lost: ${this.#lost.reason}`));
    return new Promise<T>((resolve, reject) => {
      this.#waiters.add(reject);
      promise.then(resolve, reject).finally(() => this.#waiters.delete(reject));
    });
  }
}
