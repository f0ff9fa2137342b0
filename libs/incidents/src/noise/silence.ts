import { z } from 'zod';

/** Labels a signal is matched on: what a silence or maintenance window can name. */
export interface SignalLabels {
  service: string;
  kind: string;
  signal: string;
  fingerprint: string;
}
export const SILENCE_LABELS = ['service', 'kind', 'signal', 'fingerprint'] as const;

/** Alertmanager's matcher: `=` equal, `!=` not equal, `=~` regex (anchored), `!~` regex not matching. */
export const matcherSchema = z
  .object({
    label: z.enum(SILENCE_LABELS),
    op: z.enum(['=', '!=', '=~', '!~']),
    value: z.string().max(1024),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.op !== '=~' && m.op !== '!~') return;
    try {
      new RegExp(`^(?:${m.value})$`);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `invalid regular expression: ${(error as Error).message}` });
    }
  });
export type Matcher = z.output<typeof matcherSchema>;

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAtMs: number;
  endsAtMs: number;
}

const compiled = new WeakMap<Matcher, RegExp>();
function regexOf(m: Matcher): RegExp {
  let re = compiled.get(m);
  if (!re) compiled.set(m, (re = new RegExp(`^(?:${m.value})$`)));
  return re;
}

export function matches(m: Matcher, labels: SignalLabels): boolean {
  const value = labels[m.label];
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return regexOf(m).test(value);
    case '!~':
      return !regexOf(m).test(value);
  }
}

/** A silence applies when all its matchers match and the signal's event time is inside its range. */
export function silences(silence: Silence, labels: SignalLabels, atMs: number): boolean {
  return atMs >= silence.startsAtMs && atMs < silence.endsAtMs && silence.matchers.every((m) => matches(m, labels));
}
