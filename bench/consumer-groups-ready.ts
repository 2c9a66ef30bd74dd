import type { Admin } from 'kafkajs';

/**
 * Waits until every group in `groupIds()` is Stable with partitions assigned to each member: producing before the
 * consumers own their partitions would count the group join as pipeline time. `failure` ends the wait early (a
 * consumer process that exited).
 */
export async function consumerGroupsReady(admin: Admin, groupIds: () => Promise<string[]>, failure: () => Error | undefined, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const failed = failure();
    if (failed) throw failed;
    const ids = await groupIds();
    if (ids.length > 0) {
      const described = await admin.describeGroups(ids);
      if (described.groups.every((group) => group.state === 'Stable' && group.members.length > 0 && group.members.every((member) => member.memberAssignment.length > 0))) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`consumer groups not ready after ${timeoutMs / 1000}s`);
}
