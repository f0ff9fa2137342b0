import type { Actor } from './actor';

// Kept beside the request rather than on it, so nothing else can set or spoof it.
const actors = new WeakMap<object, Actor>();

export function setRequestActor(request: object, actor: Actor): void {
  actors.set(request, actor);
}

export function requestActor(request: object): Actor | undefined {
  return actors.get(request);
}
