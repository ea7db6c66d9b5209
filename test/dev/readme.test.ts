import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startNpmStart } from '../support/npmStart';

const root = join(__dirname, '..', '..');
const serverUrl = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/** The README's walkthrough block (the bash block after its quickstart marker), cut into steps: each starts at a comment line. */
function quickstartSteps(): string[][] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = /<!-- quickstart:[^>]*-->\s*```bash\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README.md has no quickstart block (a ```bash block after <!-- quickstart: … -->)');
  const steps: string[][] = [];
  for (const line of block[1].split('\n')) {
    if (line.startsWith('#')) steps.push([line]);
    else if (line.trim()) steps.at(-1)?.push(line);
  }
  return steps;
}

interface StepRun {
  title: string;
  output: string;
  exitCode: number;
}

/** Runs the steps in one bash, as printed, with a marker after each so every step's answer can be checked. */
function runSteps(steps: string[][], env: NodeJS.ProcessEnv): Promise<{ runs: StepRun[]; stderr: string }> {
  const script = steps.map((lines, i) => `${lines.join('\n')}\nprintf '\\n@@step ${i} %s\\n' "$?"`).join('\n');
  return new Promise((resolve, reject) => {
    const bash = spawn('bash', ['-c', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    bash.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    bash.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    bash.once('error', reject);
    bash.once('exit', () => {
      const runs: StepRun[] = [];
      let rest = stdout;
      steps.forEach((lines, i) => {
        const marker = new RegExp(`\\n@@step ${i} (\\d+)\\n`).exec(rest);
        if (!marker) return;
        runs.push({ title: lines[0], output: rest.slice(0, marker.index).trim(), exitCode: Number(marker[1]) });
        rest = rest.slice(marker.index + marker[0].length);
      });
      resolve({ runs, stderr });
    });
  });
}

/** The JSON documents a step printed (curl answers, one per line or run together). */
function jsonOf(output: string): unknown[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') || line.startsWith('['))
    .map((line) => JSON.parse(line) as unknown);
}

describe('the README quickstart, run as printed against npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'samverkan-readme-'));
  const database = `samverkan_t_readme_${process.pid}_${Date.now().toString(36)}`;
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    const admin = new Client({ connectionString: `${serverUrl}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  it('when a newcomer pastes the walkthrough after npm start, then tokens, a new case, the inbox, completing the task, the case and its audit trail all answer as the README says', async () => {
    const steps = quickstartSteps();
    expect(steps.map((s) => s[0])).toEqual([
      expect.stringMatching(/^# Tokens/),
      expect.stringMatching(/registers a referral/),
      expect.stringMatching(/inbox/),
      expect.stringMatching(/complete/),
      expect.stringMatching(/The case/),
      expect.stringMatching(/audit trail/),
    ]);

    // npm start's program on free ports, with its own Temporal dev server and mailbox and a fresh database.
    const admin = new Client({ connectionString: `${serverUrl}/postgres` });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
    await admin.end();
    const start = await startNpmStart(() => ({ PATH: process.env.PATH, HOME: process.env.HOME, SAMVERKAN_DATA_DIR: dataDir, DATABASE_URL: `${serverUrl}/${database}` }));
    let exitCode: number | null = null;
    try {
      // The newcomer's shell: nothing set by hand (the data directory stands for the clone's .data/).
      const { runs, stderr } = await runSteps(steps, { PATH: process.env.PATH, HOME: process.env.HOME, SAMVERKAN_DATA_DIR: dataDir });
      const failed = runs.filter((r) => r.exitCode !== 0).map((r) => r.title);
      if (runs.length !== steps.length || failed.length) {
        throw new Error(`the walkthrough broke off (failed: ${failed.join('; ')})\nstderr:\n${stderr}\n${runs.map((r) => `${r.title} → ${r.exitCode}\n${r.output.slice(0, 400)}`).join('\n')}`);
      }
      const [tokens, created, inbox, completed, readBack, audit] = runs;

      expect(tokens.output).toBe('');
      const [createdBody] = jsonOf(created.output) as Array<{ caseId: string; caseType: string; links: { self: string } }>;
      expect(createdBody).toMatchObject({ caseId: expect.stringMatching(/^VPC-\d{4}-[0-9A-Z]{8}$/), caseType: 'youth-concern' });
      const caseId = createdBody.caseId;
      const taskId = `${caseId}.protection-assessment`;

      const [inboxBody] = jsonOf(inbox.output) as Array<{ unit: string; items: Array<{ taskId: string; status: string }> }>;
      expect(inboxBody.unit).toBe('soc-children-youth');
      expect(inboxBody.items).toContainEqual(expect.objectContaining({ taskId, status: 'open' }));

      expect(jsonOf(completed.output)).toEqual([expect.objectContaining({ taskId, status: 'completed', outcome: 'no-immediate-risk', completedBy: 'dev-staff-children-youth' })]);

      const [caseBody] = jsonOf(readBack.output) as Array<{ caseId: string; tasks: Array<{ taskId: string; status: string }> }>;
      expect(caseBody.caseId).toBe(caseId);
      expect(caseBody.tasks).toContainEqual(expect.objectContaining({ taskId, status: 'completed' }));

      const [auditBody] = jsonOf(audit.output) as Array<{ items: Array<{ action: string; actor: string; caseId: string; status: number }> }>;
      const trail = auditBody.items.map((e) => [e.action, e.actor, e.status]);
      expect(trail).toEqual(
        expect.arrayContaining([
          ['case.create', 'dev-coordinator', 201],
          ['task.complete', 'dev-staff-children-youth', 200],
          ['case.read', 'dev-staff-children-youth', 200],
        ]),
      );
    } finally {
      exitCode = await start.stop();
    }
    expect(exitCode).toBe(0);
  }, 300_000);
});
