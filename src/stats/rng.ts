/**
 * The project's only source of randomness (Math.random is banned).
 *
 * Generator: sfc32, Chris Doty-Humphrey's "Small Fast Counting" generator from PractRand 0.94
 * (http://pracrand.sourceforge.net/, 128-bit state, passes PractRand and BigCrush), in the 32-bit
 * JavaScript form of bryc's "PRNG shootout" (https://github.com/bryc/code/blob/master/jshash/PRNGs.md).
 * Seeding: the integer seed and the labels are folded into a 32-bit key with murmur3's fmix32 finalizer
 * (labels hashed with FNV-1a), the key drives splitmix32 (the 32-bit splitmix variant with Chris Wellons'
 * hash-prospector constants, as in bryc's page) to fill three state words, the counter starts at 1 and
 * the first 12 outputs are discarded, as PractRand's own sfc seeding does.
 */

/** A stream label for `Rng.derive`; numbers and strings hash differently (1 !== '1'). */
export type RngLabel = string | number;

const TWO_POW_32 = 4294967296;
const TWO_POW_M53 = 1 / 9007199254740992;

/** murmur3 fmix32: a bijective avalanche mix of a 32-bit word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units; numbers and strings get distinct prefixes so 1 !== '1'. */
function hashLabel(label: RngLabel): number {
  const s = typeof label === 'number' ? `n:${label}` : `s:${label}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** 32-bit key of a safe-integer seed (both 32-bit halves count) followed by labels (order matters). */
function streamKey(seed: number, labels: readonly RngLabel[]): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`Rng seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0; // ToUint32 = seed mod 2^32, also for negative seeds
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  let key = fmix32(lo ^ fmix32((hi + 0x9e3779b9) >>> 0));
  for (const label of labels) key = fmix32((key ^ hashLabel(label)) + 0x9e3779b9);
  return key;
}

/** Seeded sfc32 generator with uniform, normal, Laplace and integer samplers. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = 0; // second value of the last polar pair
  private hasSpare = false;

  /** A generator for `seed` (a safe integer), optionally on the stream named by `labels`. */
  constructor(seed: number, ...labels: RngLabel[]) {
    let s = streamKey(seed, labels);
    const splitmix32 = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let t = s ^ (s >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.a = splitmix32();
    this.b = splitmix32();
    this.c = splitmix32();
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** An independent stream for `seed` and labels, e.g. `Rng.derive(seed, 'data', 'train')`. */
  static derive(seed: number, ...labels: RngLabel[]): Rng {
    return new Rng(seed, ...labels);
  }

  /** Next raw output, a uint32. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits of resolution (two outputs). */
  uniform(): number {
    const hi = this.next() >>> 5; // 27 bits
    const lo = this.next() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_M53;
  }

  /** Standard normal by Marsaglia's polar method; the second value of each pair is cached. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Standard Laplace(0, 1) (variance 2): an Exp(1) magnitude with a random sign. */
  laplace(): number {
    const e = -Math.log(1 - this.uniform()); // 1 - u in (0, 1], so e is finite
    return this.next() & 1 ? e : -e;
  }

  /** Unbiased integer in [0, n), n a positive integer <= 2^32 (rejection of the biased tail). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > TWO_POW_32) throw new RangeError(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n); // largest multiple of n that fits
    let r = this.next();
    while (r >= limit) r = this.next();
    return r % n;
  }

  /** Shuffle `array` in place (Fisher-Yates) and return it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A uniformly random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** Fill `out` with N(mean, std^2) draws and return it. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** Fill `out` with U[low, high) draws (Float32 rounding can reach `high`) and return it. */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low = 0, high = 1): T {
    const w = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + w * this.uniform();
    return out;
  }
}
