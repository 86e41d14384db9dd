// contrib/prometheus/bbb-twilio.yml is a scrape job Prometheus loads, aimed at the service's default metrics
// address, and its commented remote variant (through nginx) is valid YAML of the same shape.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CALL_SERVICE_DEFAULTS } from '../../src/config/schema.js';

const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'contrib', 'prometheus', 'bbb-twilio.yml');
const text = readFileSync(FILE, 'utf8');

interface ScrapeJob {
  job_name?: unknown;
  metrics_path?: unknown;
  scheme?: unknown;
  basic_auth?: { username?: unknown; password?: unknown; password_file?: unknown };
  static_configs?: { targets?: unknown; labels?: Record<string, unknown> }[];
}

/** The keys Prometheus accepts in the parts of a scrape config this file uses (a misspelt key fails to load). */
const JOB_KEYS = new Set(['job_name', 'scrape_interval', 'scrape_timeout', 'metrics_path', 'scheme', 'basic_auth', 'static_configs']);

function checkJob(job: ScrapeJob, where: string): void {
  assert.deepEqual(Object.keys(job).filter((k) => !JOB_KEYS.has(k)), [], `${where}: unknown keys`);
  assert.equal(job.job_name, 'bbb-twilio', `${where}: job_name`);
  assert.equal(job.static_configs?.length, 1, `${where}: one static_configs entry`);
  const [config] = job.static_configs ?? [];
  assert.ok(Array.isArray(config?.targets) && config.targets.length === 1, `${where}: one target`);
  assert.equal(typeof config.labels?.instance, 'string', `${where}: an instance label, named like bbb-exporter's`);
}

test('the scrape job targets the call service default metrics address at /metrics', () => {
  const doc = parse(text) as { scrape_configs?: ScrapeJob[] } & Record<string, unknown>;
  assert.deepEqual(Object.keys(doc), ['scrape_configs'], 'only scrape_configs, so scrape_config_files can include the file');
  assert.equal(doc.scrape_configs?.length, 1);
  const [job] = doc.scrape_configs ?? [];
  assert.ok(job);
  checkJob(job, 'local job');
  assert.equal(job.metrics_path, '/metrics');
  assert.equal(job.scheme ?? 'http', 'http');
  assert.deepEqual(job.static_configs?.[0]?.targets, [CALL_SERVICE_DEFAULTS.metrics]);
});

test('the commented remote job scrapes through nginx over https with basic auth from a password file', () => {
  const block = /^# BEGIN remote job \(nginx\)\n([\s\S]*?)^# END remote job \(nginx\)$/m.exec(text);
  assert.ok(block?.[1], 'the BEGIN/END remote job block');
  const jobs = parse(block[1].replace(/^#/gm, '')) as ScrapeJob[];
  assert.equal(jobs.length, 1);
  const [job] = jobs;
  assert.ok(job);
  checkJob(job, 'remote job');
  assert.equal(job.scheme, 'https');
  assert.equal(job.metrics_path, '/bbb-twilio/metrics');
  assert.match(text, /location = \/bbb-twilio\/metrics \{/, 'the nginx location serves the same path, and only it');
  assert.equal(typeof job.basic_auth?.username, 'string');
  assert.equal(job.basic_auth?.password, undefined, 'no password in the file: password_file');
  assert.equal(typeof job.basic_auth?.password_file, 'string');
});
