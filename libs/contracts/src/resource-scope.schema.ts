import { z } from 'zod';
import { attributesSchema } from './attribute-value.schema';

export const unixNanoSchema = z.string().regex(/^\d+$/, 'unix time in nanoseconds as a decimal string');

export const hexIdSchema = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${bytes}-byte id as lowercase hex`)
    .nullable();

/** What every normalized record carries about where it came from. */
export const originSchema = z.object({
  service: z.string().min(1),
  resource: attributesSchema,
  scope: z.object({ name: z.string(), version: z.string() }),
});
