import type { RunbookTrigger } from '../runbook.schema';
import type { TriggerContext } from './trigger-context';

/** Exact text, or `~regex` anchored at both ends. */
export function textMatches(matcher: string | undefined, value: string): boolean {
  if (matcher === undefined) return true;
  if (!matcher.startsWith('~')) return matcher === value;
  return new RegExp(`^(?:${matcher.slice(1)})$`).test(value);
}

/** Whether one of a runbook's triggers fires for this context. */
export function triggerMatches(trigger: RunbookTrigger, context: TriggerContext): boolean {
  switch (trigger.on) {
    case 'anomaly':
      return (
        context.on === 'anomaly' &&
        context.event.status === 'open' &&
        textMatches(trigger.service, context.event.service) &&
        (trigger.kind === undefined || trigger.kind.includes(context.event.kind)) &&
        textMatches(trigger.signal, context.event.signal)
      );
    case 'alert': {
      if (context.on !== 'alert' || context.event.status !== 'open') return false;
      const labels = context.event.labels ?? {};
      return Object.entries(trigger.labels).every(([name, matcher]) => labels[name] !== undefined && textMatches(matcher, labels[name] as string));
    }
    case 'incident':
      return (
        context.on === 'incident' &&
        context.incident.status !== 'resolved' &&
        (trigger.severity === undefined || trigger.severity.includes(context.incident.severity)) &&
        (trigger.service === undefined || context.incident.services.some((s) => textMatches(trigger.service, s)))
      );
    case 'forecast':
      return (
        context.on === 'forecast' &&
        context.breachInMinutes <= trigger.breachWithinMinutes &&
        textMatches(trigger.service, context.service) &&
        textMatches(trigger.series, context.series)
      );
  }
}
