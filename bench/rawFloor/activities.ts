import type { Pool } from 'pg';
import type { Mailer } from '../../activities';
import type { RawFloorInput } from './workflows';

/** The table the raw floor writes to, made with plain SQL in the benchmark's database. */
export const rawFloorTable = 'bench_raw_floor';

export const rawFloorTableSql = `CREATE TABLE IF NOT EXISTS ${rawFloorTable} (
  id text PRIMARY KEY,
  round text NOT NULL,
  instant timestamptz(3) NOT NULL,
  inserted_at timestamptz(3) NOT NULL DEFAULT clock_timestamp()
)`;

export interface RawFloorActivities {
  recordAndMail(input: RawFloorInput): Promise<void>;
}

/** One short insert, then one email through the same transport samverkan uses. */
export function createRawFloorActivities(deps: { pool: Pool; mailer: Mailer; from: string }): RawFloorActivities {
  return {
    async recordAndMail(input) {
      await deps.pool.query(`INSERT INTO ${rawFloorTable} (id, round, instant) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`, [input.id, input.round, input.instant]);
      await deps.mailer.sendMail({
        from: deps.from,
        to: 'bench-floor@samverkan.local',
        subject: 'Bench floor',
        text: 'A deadline passed.',
        // Stable per workflow, as samverkan's Message-ID is per notification.
        messageId: `<${input.id}@bench.samverkan.local>`,
      });
    },
  };
}
