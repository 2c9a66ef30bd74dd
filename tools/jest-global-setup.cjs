// Fails fast, with the reason, when the infrastructure the integration tests need is not there.
module.exports = async () => {
  const { postgresCheck, waitForKafka } = await import('./infra/infra.mjs');
  await postgresCheck();
  await waitForKafka(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', 1, 10_000);
};
