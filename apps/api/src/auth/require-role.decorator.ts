import { SetMetadata } from '@nestjs/common';
import type { Role } from './role';

export const REQUIRED_ROLE = 'vigil:required-role';

/**
 * The least role a route needs (routes under /api/ need `viewer` without it). On a controller
 * class it covers every method; on a method it overrides the class.
 */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);
