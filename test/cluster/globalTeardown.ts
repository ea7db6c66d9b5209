export default async function globalTeardown(): Promise<void> {
  await globalThis.samverkanCluster?.stop({ dropDatabases: true });
}
