import { SpanTable } from './span-table';

const entries = (table: SpanTable, id: string): string[] => {
  const found: string[] = [];
  for (let s = table.first(id); s !== -1; s = table.nextOf(s)) found.push(`${table.serviceAt(s)}@${table.minuteAt(s)}`);
  return found;
};

describe('SpanTable', () => {
  it('chains entries under one id, oldest first, and evicts the oldest entry when full', () => {
    const table = new SpanTable(3);
    table.add('a', 'audit', 1);
    table.add('b', 'billing', 2);
    table.add('a', 'mail', 3);
    expect(entries(table, 'a')).toEqual(['audit@1', 'mail@3']);
    table.add('c', 'cart', 4); // evicts a/audit
    expect(entries(table, 'a')).toEqual(['mail@3']);
    table.add('d', 'docs', 5); // evicts b
    expect(entries(table, 'b')).toEqual([]);
    expect(table.size).toBe(3);
  });

  it('forgets a deleted id without disturbing a later entry under the same id', () => {
    const table = new SpanTable(2);
    table.add('a', 'audit', 1);
    table.delete('a');
    table.add('a', 'again', 2);
    table.add('b', 'billing', 3); // reuses the deleted slot: must not unlink the new 'a'
    expect(entries(table, 'a')).toEqual(['again@2']);
    expect(table.size).toBe(2);
    table.add('c', 'cart', 4); // now evicts the new 'a'
    expect(entries(table, 'a')).toEqual([]);
    expect(table.size).toBe(2);
  });
});
