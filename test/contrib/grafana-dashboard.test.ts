// contrib/grafana/bbb-twilio.json is a dashboard Grafana accepts (its own JSON schemas, see
// test/fixtures/grafana/PROVENANCE.md) and it only asks Prometheus for metrics the call service exports.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ServiceMetrics } from '../../src/service/service-metrics.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const readJson = (...parts: string[]): unknown => JSON.parse(readFileSync(path.join(ROOT, ...parts), 'utf8'));
const schema = (name: string): unknown => readJson('test', 'fixtures', 'grafana', `${name}.jsonschema.json`);

interface Target {
  expr: string;
  refId: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  type: string;
  id: number;
  title?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  options?: unknown;
  fieldConfig?: { defaults: { custom?: unknown } };
  targets?: Target[];
}
interface Variable {
  type: string;
  name: string;
  query?: unknown;
  datasource?: { type?: string; uid?: string };
}
interface Dashboard {
  uid: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}

const dashboard = readJson('contrib', 'grafana', 'bbb-twilio.json') as Dashboard;
const DATASOURCE = { type: 'prometheus', uid: '${DS_PROMETHEUS}' };
const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');
const targets = queryPanels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title ?? p.type, ...t })));

async function exportedMetrics(): Promise<Map<string, string>> {
  const exported = new Map<string, string>();
  for (const m of await new ServiceMetrics().registry.getMetricsAsJSON()) exported.set(m.name, String(m.type));
  return exported;
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** The metric names a PromQL expression selects (label matchers, ranges, strings and groupings removed). */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const m of bare.matchAll(/(?<![\w:.$])([a-zA-Z_:][\w:]*)(?![\w:])(\s*\()?/g)) {
    const [, name, call] = m;
    if (name && !call && !PROMQL_WORDS.has(name.toLowerCase())) names.push(name);
  }
  return names;
}

const messages = (errors: ErrorObject[] | null | undefined): string =>
  (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');

test('the dashboard validates against Grafana dashboard, panel and Prometheus query schemas', () => {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormatsModule.default(ajv);
  ajv.addKeyword('x-deprecation-message'); // an annotation in the Prometheus query schema
  for (const name of ['dashboard', 'timeseries', 'stat', 'prometheus']) ajv.addSchema(schema(name) as object, name);

  const validateDashboard = ajv.getSchema('dashboard');
  assert.ok(validateDashboard);
  assert.ok(validateDashboard(dashboard), messages(validateDashboard.errors));
  const defaults = (schema('dashboard') as { definitions: { Dashboard: { properties: { schemaVersion: { default: number } } } } })
    .definitions.Dashboard.properties.schemaVersion.default;
  assert.equal(dashboard.schemaVersion, defaults, 'schemaVersion is the one of the Grafana the schema comes from');

  // The dashboard schema leaves a panel's options, custom field config and targets open: the panel plugins' own.
  const validateQuery = ajv.getSchema('prometheus#/definitions/Dataquery');
  assert.ok(validateQuery);
  for (const panel of queryPanels) {
    const validateOptions = ajv.getSchema(`${panel.type}#/definitions/Options`);
    assert.ok(validateOptions, `panel "${panel.title}": type ${panel.type} has no schema here (use timeseries or stat)`);
    assert.ok(validateOptions(panel.options), `panel "${panel.title}" options:\n${messages(validateOptions.errors)}`);
    if (panel.type === 'timeseries') {
      const validateCustom = ajv.getSchema('timeseries#/definitions/FieldConfig');
      assert.ok(validateCustom);
      assert.ok(validateCustom(panel.fieldConfig?.defaults.custom ?? {}), `panel "${panel.title}" custom:\n${messages(validateCustom.errors)}`);
    }
    assert.ok((panel.targets ?? []).length > 0, `panel "${panel.title}" has no query`);
    for (const t of panel.targets ?? []) assert.ok(validateQuery(t), `panel "${panel.title}" ${t.refId}:\n${messages(validateQuery.errors)}`);
  }
});

test('panels have unique ids and do not overlap on the 24-column grid', () => {
  const ids = dashboard.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, `panel ids: ${ids.join(', ')}`);
  const boxes = dashboard.panels.map((p) => ({ title: p.title, ...p.gridPos }));
  for (const [i, a] of boxes.entries()) {
    for (const b of boxes.slice(i + 1)) {
      const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
      assert.ok(apart, `"${a.title}" and "${b.title}" overlap`);
    }
  }
});

test('the dashboard imports onto any Prometheus: every query uses the DS_PROMETHEUS variable and the instance filter', () => {
  const byName = new Map(dashboard.templating.list.map((v) => [v.name, v]));
  assert.deepEqual(
    { type: byName.get('DS_PROMETHEUS')?.type, query: byName.get('DS_PROMETHEUS')?.query },
    { type: 'datasource', query: 'prometheus' },
  );
  const instance = byName.get('instance');
  assert.equal(instance?.type, 'query');
  assert.deepEqual(instance.datasource, DATASOURCE);
  assert.match(String(instance.query), /^label_values\(bbb_twilio_\w+, instance\)$/);
  assert.match(dashboard.uid, /^[\w-]{8,40}$/);
  for (const p of queryPanels) assert.deepEqual(p.datasource, DATASOURCE, `panel "${p.title}"`);
  for (const t of targets) {
    assert.deepEqual(t.datasource, DATASOURCE, `panel "${t.panel}" ${t.refId}`);
    const selectors = t.expr.match(/\b[a-z_:][\w:]*\{[^}]*\}/g) ?? [];
    assert.equal(selectors.length, metricNames(t.expr).length, `panel "${t.panel}": every metric has a label filter: ${t.expr}`);
    for (const s of selectors) assert.match(s, /instance=~"\$instance"/, `panel "${t.panel}": ${s}`);
  }
});

test('every metric the dashboard queries is one the call service exports, histograms through _bucket quantiles', async () => {
  const exported = await exportedMetrics();
  const used = new Set<string>();
  for (const t of targets) {
    for (const name of metricNames(t.expr)) {
      const histogram = /^(.+)_(bucket|count|sum)$/.exec(name);
      const base = histogram && exported.get(histogram[1] ?? '') === 'histogram' ? (histogram[1] ?? name) : name;
      const type = exported.get(base);
      assert.ok(type, `panel "${t.panel}" queries ${name}, which the call service does not export (${[...exported.keys()].join(', ')})`);
      assert.ok(type !== 'histogram' || base !== name, `panel "${t.panel}": histogram ${name} is only queried as ${name}_bucket/_count/_sum`);
      used.add(base);
      if (name.endsWith('_bucket')) {
        assert.match(t.expr, new RegExp(`^histogram_quantile\\(0?\\.\\d+, sum by \\(le\\) \\(rate\\(${name}\\{`), `panel "${t.panel}": ${t.expr}`);
      }
    }
  }
  for (const [name, type] of exported) {
    if (type !== 'histogram') continue;
    assert.ok(
      targets.some((t) => t.expr.startsWith('histogram_quantile(') && metricNames(t.expr).includes(`${name}_bucket`)),
      `histogram ${name} is shown as quantiles of ${name}_bucket`,
    );
  }
  assert.deepEqual([...exported.keys()].filter((n) => !used.has(n)), [], 'every exported metric has a panel');
});

test('metricNames finds the selected metrics and nothing else', () => {
  assert.deepEqual(
    metricNames('histogram_quantile(0.99, sum by (le) (rate(a_bucket{instance=~"$instance", x="y{z}"}[$__rate_interval]))) / on (instance) b_total offset 5m'),
    ['a_bucket', 'b_total'],
  );
  assert.deepEqual(metricNames('sum(increase(c_total{outcome=~"joined|joined_after_wait"}[$__range])) * 60'), ['c_total']);
});
