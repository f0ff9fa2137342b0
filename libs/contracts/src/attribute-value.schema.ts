import { z } from 'zod';

/**
 * An OTLP AnyValue after normalization: plain JSON. int64 values that do not fit a JS number
 * stay decimal strings; bytes become base64 strings.
 */
export type AttributeValue =
  | string
  | number
  | boolean
  | null
  | AttributeValue[]
  | { [key: string]: AttributeValue };

export const attributeValueSchema: z.ZodType<AttributeValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(attributeValueSchema),
    z.record(z.string(), attributeValueSchema),
  ]),
);

export const attributesSchema = z.record(z.string(), attributeValueSchema);
export type Attributes = z.infer<typeof attributesSchema>;
