/**
 * A local HTTP server for the ShardStore tests: serves files from a map,
 * counts the requests per path, and can hold responses until the test lets
 * them go (so concurrent callers really overlap), answer a status, or drop
 * the connection.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Served {
  bytes: Uint8Array;
  /** Answer this status with no body instead. */
  status?: number;
  /** Destroy the socket instead of answering (a network error). */
  reset?: boolean;
}

export class ShardServer {
  readonly files = new Map<string, Served>();
  /** path -> requests received. */
  readonly requests = new Map<string, number>();
  #server: Server | null = null;
  #held: Array<() => void> = [];
  #holding = false;
  #waiters: Array<() => void> = [];
  origin = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.requests.set(path, (this.requests.get(path) ?? 0) + 1);
      const answer = () => {
        const file = this.files.get(path);
        if (file?.reset) return void req.socket.destroy();
        if (!file || file.status) {
          res.writeHead(file?.status ?? 404, { 'content-type': 'text/html' });
          return void res.end();
        }
        res.writeHead(200, { 'content-type': 'application/x-tar', 'content-length': file.bytes.length });
        res.end(file.bytes);
      };
      if (this.#holding) this.#held.push(answer);
      else answer();
      for (const wake of this.#waiters.splice(0)) wake();
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  count(path: string): number {
    return this.requests.get(path) ?? 0;
  }

  /** Requests from now on wait for release(). */
  hold(): void {
    this.#holding = true;
  }

  /** Answers every held request, and stops holding. */
  release(): void {
    this.#holding = false;
    for (const answer of this.#held.splice(0)) answer();
  }

  /** Resolves once `n` requests in all have arrived (the caller bounds the wait). */
  async received(n: number): Promise<void> {
    const total = () => [...this.requests.values()].reduce((a, b) => a + b, 0);
    while (total() < n) await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.release();
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}
