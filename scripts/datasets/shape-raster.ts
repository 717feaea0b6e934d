/**
 * A tiny rasterizer for the shapes dataset: each shape is a signed distance
 * function (pixels; negative inside), and a pixel's coverage is
 * clamp(0.5 - distance, 0, 1), a one-pixel anti-aliased edge. No canvas
 * package: native builds do not run here, and this is exact and deterministic.
 */

/** Signed distance in pixels from (x, y) to the shape's edge; negative inside. */
export type Sdf = (x: number, y: number) => number;

export interface Point {
  x: number;
  y: number;
}

/** A shape: its distance function and a box that contains it. */
export interface Shape {
  sdf: Sdf;
  bounds: { x0: number; y0: number; x1: number; y1: number };
}

const square = (r: number) => ({ x0: -r, y0: -r, x1: r, y1: r });

function at(cx: number, cy: number, r: number, sdf: Sdf): Shape {
  const b = square(r);
  return { sdf, bounds: { x0: cx + b.x0, y0: cy + b.y0, x1: cx + b.x1, y1: cy + b.y1 } };
}

export function circle(cx: number, cy: number, r: number): Shape {
  return at(cx, cy, r, (x, y) => Math.hypot(x - cx, y - cy) - r);
}

/** An annulus between radii r - thickness and r. */
export function ring(cx: number, cy: number, r: number, thickness: number): Shape {
  const mid = r - thickness / 2;
  return at(cx, cy, r, (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - mid) - thickness / 2);
}

/** Distance to a box of half-sizes (hx, hy) centred at (cx, cy), turned by `angle` radians. */
function boxSdf(cx: number, cy: number, hx: number, hy: number, angle: number): Sdf {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  return (x, y) => {
    const dx = x - cx;
    const dy = y - cy;
    const qx = Math.abs(dx * cos + dy * sin) - hx;
    const qy = Math.abs(-dx * sin + dy * cos) - hy;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0);
  };
}

export function rotatedSquare(cx: number, cy: number, half: number, angle: number): Shape {
  return at(cx, cy, half * Math.SQRT2, boxSdf(cx, cy, half, half, angle));
}

/** A plus sign: two bars of half-length `arm` and half-width `width`, turned by `angle`. */
export function cross(cx: number, cy: number, arm: number, width: number, angle: number): Shape {
  const a = boxSdf(cx, cy, arm, width, angle);
  const b = boxSdf(cx, cy, width, arm, angle);
  return at(cx, cy, Math.hypot(arm, width), (x, y) => Math.min(a(x, y), b(x, y)));
}

/**
 * Any simple polygon (Inigo Quilez's polygon SDF): distance to the nearest
 * edge, negative where the crossing test says inside.
 */
export function polygon(points: readonly Point[]): Shape {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const bounds = { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
  const n = points.length;
  const sdf: Sdf = (x, y) => {
    let best = Infinity;
    let sign = 1;
    for (let i = 0, j = n - 1; i < n; j = i, i++) {
      const vi = points[i];
      const vj = points[j];
      const ex = vj.x - vi.x;
      const ey = vj.y - vi.y;
      const wx = x - vi.x;
      const wy = y - vi.y;
      const t = Math.min(Math.max((wx * ex + wy * ey) / (ex * ex + ey * ey), 0), 1);
      best = Math.min(best, (wx - ex * t) ** 2 + (wy - ey * t) ** 2);
      const up = y >= vi.y;
      const down = y < vj.y;
      const left = ex * wy > ey * wx;
      if ((up && down && left) || (!up && !down && !left)) sign = -sign;
    }
    return sign * Math.sqrt(best);
  };
  return { sdf, bounds };
}

/** Points on a circle of radius `radii[k % radii.length]`, `count` of them, starting at `angle`. */
export function radialPoints(cx: number, cy: number, count: number, radii: readonly number[], angle: number): Point[] {
  return Array.from({ length: count }, (_, k) => {
    const a = angle + (2 * Math.PI * k) / count;
    const r = radii[k % radii.length];
    return { x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) };
  });
}

/**
 * Coverage of `shape` for each pixel centre of a width x height image, in
 * [0, 1]; 0 outside its bounds (plus a 1-pixel margin for the soft edge).
 */
export function rasterize(shape: Shape, width: number, height: number): Float32Array {
  const alpha = new Float32Array(width * height);
  const { x0, y0, x1, y1 } = shape.bounds;
  const xa = Math.max(0, Math.floor(x0) - 1);
  const xb = Math.min(width - 1, Math.ceil(x1) + 1);
  const ya = Math.max(0, Math.floor(y0) - 1);
  const yb = Math.min(height - 1, Math.ceil(y1) + 1);
  for (let y = ya; y <= yb; y++) {
    for (let x = xa; x <= xb; x++) {
      const d = shape.sdf(x + 0.5, y + 0.5);
      alpha[y * width + x] = Math.min(Math.max(0.5 - d, 0), 1);
    }
  }
  return alpha;
}
