// Fails fast, with the reason, when the infrastructure the integration tests need is not there, and makes every
// test connect to the broker as the local admin (Jest's workers inherit this process's environment).
module.exports = async () => {
  const { adminEnvironment, postgresCheck, waitForKafka } = await import('./infra/infra.mjs');
  Object.assign(process.env, adminEnvironment());
  await postgresCheck();
  await waitForKafka(process.env.KAFKA_BROKERS ?? '127.0.0.1:9092', 1, 10_000);
};
