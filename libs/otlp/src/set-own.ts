/**
 * Sets `record[key]` as an own property. Plain assignment with the key "__proto__" (which any
 * producer may send as an attribute key) would instead replace the object's prototype.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
}
