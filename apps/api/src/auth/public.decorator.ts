import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'vigil:public-route';

/**
 * Opens a route under /api/ to callers without a token. Only for what holds no data (the API
 * docs); everything else under /api/ needs a token.
 */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
