import { ForbiddenException, Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { declaredRoutes, isApiPath } from '../route-paths';
import { bearerToken } from './bearer-token';
import { PUBLIC_ROUTE } from './public.decorator';
import { setRequestActor } from './request-actor';
import { REQUIRED_ROLE } from './require-role.decorator';
import { roleAllows, type Role } from './role';
import { TokenAuthenticator } from './token-authenticator';

/** A route under /api/ without @RequireRole: reading needs a token, nothing more. */
const DEFAULT_ROLE: Role = 'viewer';

/**
 * The global guard (APP_GUARD): every route under /api/ needs `Authorization: Bearer <token>`
 * and at least the role its @RequireRole names. Health, readiness, /metrics and the OTLP
 * receiver stay open: probes, Prometheus and SDK exporters carry no Vigil token.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TokenAuthenticator) private readonly authenticator: TokenAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const protectedRoute = declaredRoutes(context.getClass(), context.getHandler()).some((r) => isApiPath(r.path));
    if (!protectedRoute || this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const token = bearerToken(request.headers.authorization);
    if (token === null) throw this.unauthorized(http.getResponse<Response>(), null, 'missing or malformed Authorization header: expected "Bearer <token>"');
    const actor = await this.authenticator.authenticate(token);
    if (!actor) throw this.unauthorized(http.getResponse<Response>(), 'invalid_token', 'unknown or revoked token');
    setRequestActor(request, actor);

    const need = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets) ?? DEFAULT_ROLE;
    if (!roleAllows(actor.role, need)) throw new ForbiddenException(`this route needs the ${need} role; token "${actor.name}" has ${actor.role}`);
    return true;
  }

  /** 401 with the challenge RFC 6750 asks for, naming the error when a token was sent. */
  private unauthorized(response: Response, error: 'invalid_token' | null, message: string): UnauthorizedException {
    response.setHeader('WWW-Authenticate', error ? `Bearer realm="vigil", error="${error}"` : 'Bearer realm="vigil"');
    return new UnauthorizedException(message);
  }
}
