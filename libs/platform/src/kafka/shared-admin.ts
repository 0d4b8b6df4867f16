import type { Admin, Kafka } from 'kafkajs';

/**
 * One Kafka admin connection, made on first use and shared by every reader of the admin API (lag,
 * readiness, consumer-group views, offset resets), also when their calls overlap. A failed connect
 * is not kept: the next use connects again.
 */
export class SharedAdmin {
  private admin: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka) {}

  connected(): Promise<Admin> {
    if (!this.admin) {
      const connecting = (async () => {
        const admin = this.kafka.admin();
        await admin.connect();
        return admin;
      })();
      this.admin = connecting;
      connecting.catch(() => this.forget(connecting));
    }
    return this.admin;
  }

  /**
   * Drops `connection` after a call on it failed, so the next use connects afresh; a no-op when a
   * newer connection has already replaced it.
   */
  async discard(connection: Promise<Admin>): Promise<void> {
    if (!this.forget(connection)) return;
    await (await connection.catch(() => undefined))?.disconnect();
  }

  async close(): Promise<void> {
    const connection = this.admin;
    if (connection) await this.discard(connection);
  }

  private forget(connection: Promise<Admin>): boolean {
    if (this.admin !== connection) return false;
    this.admin = undefined;
    return true;
  }
}
