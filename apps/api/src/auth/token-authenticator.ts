import { timingSafeEqual } from 'node:crypto';
import { hashApiToken, type ApiTokenRepository } from '@vigil/store';
import type { Actor } from './actor';

export const BOOTSTRAP_ADMIN_NAME = 'bootstrap-admin';

/**
 * Turns a bearer token into an Actor: the bootstrap admin token from the configuration, or an
 * active stored token. Null for anything else.
 */
export class TokenAuthenticator {
  private readonly adminHash: Buffer | null;

  constructor(
    private readonly tokens: ApiTokenRepository,
    adminToken: string | undefined,
  ) {
    this.adminHash = adminToken ? Buffer.from(hashApiToken(adminToken), 'hex') : null;
  }

  async authenticate(token: string): Promise<Actor | null> {
    // Hashes have one length whatever the token's, so the comparison takes the same time for
    // every guess and says nothing about how close it came.
    if (this.adminHash && timingSafeEqual(Buffer.from(hashApiToken(token), 'hex'), this.adminHash)) {
      return { tokenId: null, name: BOOTSTRAP_ADMIN_NAME, role: 'admin' };
    }
    const stored = await this.tokens.findByToken(token);
    return stored ? { tokenId: stored.id, name: stored.name, role: stored.role } : null;
  }
}
