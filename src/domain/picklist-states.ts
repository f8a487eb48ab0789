/**
 * Picklist states beyond picking (reference/picqer-api.md 7): pause with a reason, snooze until a
 * date, and back. A paused or snoozed picklist keeps its reservations but is not picked or closed
 * until it is resumed or unsnoozed; it can still be cancelled.
 */

export type PicklistAction = 'pause' | 'resume' | 'snooze' | 'unsnooze';

const FROM: Record<PicklistAction, { from: readonly string[]; to: string }> = {
  pause: { from: ['new', 'snoozed'], to: 'paused' },
  resume: { from: ['paused'], to: 'new' },
  snooze: { from: ['new'], to: 'snoozed' },
  unsnooze: { from: ['snoozed'], to: 'new' },
};

/** The status after the action, or why it is refused. */
export function picklistTransition(
  action: PicklistAction,
  status: string,
): { to: string } | { refused: string } {
  const rule = FROM[action];
  if (!rule.from.includes(status))
    return { refused: `Only a ${rule.from.join(' or ')} picklist can be ${action}d; this one is ${status}` };
  return { to: rule.to };
}

/** Picking and closing need a picklist that is neither paused nor snoozed. */
export function pickRefusal(status: string): string | undefined {
  if (status === 'paused') return 'The picklist is paused: resume it before picking or closing';
  if (status === 'snoozed') return 'The picklist is snoozed: unsnooze it before picking or closing';
  return undefined;
}
