import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DOCUMENT_PROJECTION_DDL, runDdl } from '../schema/read-model-ddl';

/** Documents and their pages (see schema/read-model-ddl.ts, shared with the projection rebuild). */
export class DocumentReadModels1766000000000 implements MigrationInterface {
  name = 'DocumentReadModels1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await runDdl(queryRunner, DOCUMENT_PROJECTION_DDL);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE document_pages`);
    await queryRunner.query(`DROP TABLE documents`);
  }
}
