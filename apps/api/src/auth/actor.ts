import type { Role } from './role';

/** Who is calling: the token's name and role. `tokenId` is null for the bootstrap admin (VIGIL_ADMIN_TOKEN), which is not stored. */
export interface Actor {
  tokenId: string | null;
  name: string;
  role: Role;
}
