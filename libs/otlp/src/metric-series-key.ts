import type { AttributeValue, MetricPoint } from '@vigil/contracts';

/*
 * A metric series' identity as a short stable string: FNV-1a 64 over a canonical JSON of
 * name, unit, type, resource attributes and point attributes (object keys sorted at every
 * level, so attribute order never matters). Pure JS on purpose: this core lib stays free of
 * Node modules, and the key only has to be stable and well spread, not cryptographic. At 64 bits
 * the chance of any collision among a million series is about 3e-8.
 */

const utf8 = new TextEncoder();

/** JSON with object keys sorted, recursively; arrays keep their order (it is meaningful). */
export function canonicalJson(value: AttributeValue | undefined): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * FNV-1a 64 of the UTF-8 bytes of `text`, as 16 lowercase hex digits. The 64-bit state is kept
 * as four 16-bit limbs so every intermediate product stays exact in a double (no BigInt, which
 * is an order of magnitude slower here). The prime is 2^40 + 0x1b3.
 */
export function fnv1a64(text: string): string {
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  for (const byte of utf8.encode(text)) {
    h0 ^= byte;
    const t0 = h0 * 0x1b3;
    let t1 = h1 * 0x1b3;
    let t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    t1 += t0 >>> 16;
    h0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    h1 = t1 & 0xffff;
    h3 = (t3 + (t2 >>> 16)) & 0xffff;
    h2 = t2 & 0xffff;
  }
  return [h3, h2, h1, h0].map((limb) => limb.toString(16).padStart(4, '0')).join('');
}

/** The series a point belongs to: name + unit + type + resource attributes + point attributes. */
export function metricSeriesKey(point: MetricPoint): string {
  const identity: AttributeValue = [point.name, point.unit, point.type, point.resource, point.attributes];
  return fnv1a64(canonicalJson(identity));
}
