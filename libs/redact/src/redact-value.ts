import type { AttributeValue } from '@vigil/contracts';
import type { RedactionCounts, SensitiveDataRedactor } from './sensitive-data-redactor';

/**
 * Redacts every string in an OTLP value, recursively, and numbers that are card numbers (a PAN
 * sent as an int64 attribute). Returns the same object when nothing changed, so the common case
 * allocates nothing.
 */
export function redactValue(redactor: SensitiveDataRedactor, value: AttributeValue, counts: RedactionCounts): AttributeValue {
  if (typeof value === 'string') return redactor.redactInto(value, counts) ?? value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || Math.abs(value) < 1e12) return value;
    return redactor.redactInto(String(value), counts) ?? value;
  }
  if (value === null || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    let changed: AttributeValue[] | null = null;
    value.forEach((item, i) => {
      const next = redactValue(redactor, item, counts);
      if (next !== item) (changed ??= value.slice())[i] = next;
    });
    return changed ?? value;
  }
  let changed: Record<string, AttributeValue> | null = null;
  for (const key in value) {
    const item = value[key] as AttributeValue;
    const next = redactValue(redactor, item, counts);
    if (next !== item) (changed ??= { ...value })[key] = next;
  }
  return changed ?? value;
}
