import { createParamDecorator, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { requestActor } from './request-actor';

/**
 * The Actor the AuthGuard authenticated for this request. Only routes under /api/ have one;
 * asking for it elsewhere is refused rather than answered with undefined.
 */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const actor = requestActor(context.switchToHttp().getRequest<object>());
  if (!actor) throw new UnauthorizedException('this route has no authenticated caller');
  return actor;
});
