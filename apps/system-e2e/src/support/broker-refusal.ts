/** A refusal by the broker: kafkajs' protocol error type (e.g. TOPIC_AUTHORIZATION_FAILED) and message. */
export async function refusal(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    return `${(error as { type?: string }).type ?? ''} ${(error as Error).message}`;
  }
  throw new Error('the broker allowed it');
}
