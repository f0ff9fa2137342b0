import { ATTR_SERVICE_NAME, UNKNOWN_SERVICE } from '@vigil/contracts';
import type { Attributes } from '@vigil/contracts';
import type { opentelemetry } from './generated/otlp';
import { protoKeyValuesToAttributes } from './proto-any-value.mapper';

type RawResource = opentelemetry.proto.resource.v1.Resource;
type RawScope = opentelemetry.proto.common.v1.InstrumentationScope;

/** The resource's `service.name` when it is a non-empty string, else `unknown_service`. */
export function serviceOf(resource: Attributes): string {
  const name = resource[ATTR_SERVICE_NAME];
  return typeof name === 'string' && name.length > 0 ? name : UNKNOWN_SERVICE;
}

export interface Origin {
  service: string;
  resource: Attributes;
}

export function originOf(resource: RawResource | null | undefined): Origin {
  const attributes = protoKeyValuesToAttributes(resource?.attributes ?? []);
  return { service: serviceOf(attributes), resource: attributes };
}

export function scopeOf(scope: RawScope | null | undefined): { name: string; version: string } {
  return { name: scope?.name ?? '', version: scope?.version ?? '' };
}
