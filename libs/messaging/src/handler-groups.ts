/** A new event as the applier schedules it: its subject (kind and id) and the handler it goes to. */
export interface ScheduledEvent<Handler> {
  subject: string;
  handler: Handler;
}

/**
 * The order in which a run of new events goes to their handlers: groups of one handler each (a batch handler takes its
 * group in one call, any other handler one event after the other), each group as the positions of its events. Every
 * event joins the first group of its handler at or after the group that holds its subject's event before it (else a
 * new group at the end). Each subject's events thus run in log order, while events of different subjects, which
 * nothing orders on the log either (they may be on different partitions), share groups: a partition whose subjects
 * alternate between event types costs a few handler calls per chunk, not one per change of type.
 */
export function handlerGroups<Handler>(events: readonly ScheduledEvent<Handler>[]): number[][] {
  const groups: number[][] = [];
  /** Per handler: the indices of its groups, ascending. */
  const groupsOfHandler = new Map<Handler, number[]>();
  /** Per subject: the group that holds its latest event. */
  const groupOfSubject = new Map<string, number>();
  for (const [position, { subject, handler }] of events.entries()) {
    const own = groupsOfHandler.get(handler) ?? groupsOfHandler.set(handler, []).get(handler)!;
    let group = firstAtOrAfter(own, groupOfSubject.get(subject) ?? 0);
    if (group === undefined) {
      group = groups.push([]) - 1;
      own.push(group);
    }
    groups[group].push(position);
    groupOfSubject.set(subject, group);
  }
  return groups;
}

/** The first of the ascending `indices` at or after `from`. */
function firstAtOrAfter(indices: readonly number[], from: number): number | undefined {
  let low = 0;
  let high = indices.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (indices[middle] < from) low = middle + 1;
    else high = middle;
  }
  return indices[low];
}
