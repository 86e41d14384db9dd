// Turns the response schemas of an OpenAPI 3.0 document (Twilio's published specs) into JSON Schemas
// that ajv compiles, and finds the one for a concrete request (`GET /v1/Trunks/TK...` -> the template
// `/v1/Trunks/{Sid}`).
//
// Conversion: `nullable: true` becomes a type union with "null"; `$ref: '#/components/schemas/X'` is
// resolved inline; OpenAPI-only keywords (`x-*`, `example`...) are dropped. Twilio's API 2010 paging
// fields (`uri`, `first_page_uri`...) are relative URIs although the spec says `format: uri`, so fields
// named `uri` / `*_uri` get `uri-reference`; formats on objects (`uri-map`) are dropped.
// With `strictObjects`, every object schema with properties also requires all of them and allows no
// others: stricter than the spec, so an emulator answer with a missing or misspelt field fails.

import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Node = { [key: string]: unknown };

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components?: { schemas?: Record<string, unknown> };
}

const DROPPED_KEYWORDS = new Set(['nullable', 'example', 'discriminator', 'xml', 'externalDocs', 'deprecated']);

export function toJsonSchema(
  node: unknown,
  components: Record<string, unknown>,
  opts: { strictObjects: boolean },
  propName?: string,
  resolving: ReadonlySet<string> = new Set(),
): unknown {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(item, components, opts, undefined, resolving));
  if (typeof node !== 'object' || node === null) return node;
  const source = node as Node;

  const ref = source.$ref;
  if (typeof ref === 'string') {
    const name = ref.replace(/^#\/components\/schemas\//, '');
    if (name === ref || !(name in components)) throw new Error(`unresolvable $ref ${ref}`);
    if (resolving.has(name)) throw new Error(`recursive $ref ${ref}`);
    const target = toJsonSchema(components[name], components, opts, propName, new Set([...resolving, name]));
    return source.nullable === true ? { anyOf: [target, { type: 'null' }] } : target;
  }

  const out: Node = {};
  for (const [key, value] of Object.entries(source)) {
    if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-')) continue;
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([prop, schema]) => [prop, toJsonSchema(schema, components, opts, prop, resolving)]),
      );
    } else {
      out[key] = toJsonSchema(value, components, opts, undefined, resolving);
    }
  }
  // Twilio also puts formats on objects (`uri-map`, `phone-number-capabilities`): annotations whose shape
  // is in `properties`; ajv applies formats to strings and numbers only.
  if (out.format !== undefined && (out.type === 'object' || out.type === 'array')) delete out.format;
  if (out.format === 'uri' && propName !== undefined && /(^|_)uri$/.test(propName)) out.format = 'uri-reference';
  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  }
  if (opts.strictObjects && typeof out.properties === 'object' && out.properties !== null) {
    out.required = Object.keys(out.properties);
    out.additionalProperties = false;
  }
  return out;
}

/** Ajv with the standard formats plus Twilio's own (`phone-number`, `http-method`, RFC 2822 dates...). */
export function createTwilioAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormatsModule.default(ajv);
  ajv.addFormat('phone-number', /^\+[1-9]\d{1,14}$/);
  ajv.addFormat('http-method', /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/);
  ajv.addFormat(
    'date-time-rfc-2822',
    /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/,
  );
  return ajv;
}

export interface ResponseSchemaIndex {
  /** The template and compiled validator for a request, or why there is none. */
  find(method: string, path: string, status: number): { template: string; validate: ValidateFunction | undefined } | string;
}

/** Index every response schema of `doc` by path template, method and status. */
export function indexResponseSchemas(doc: OpenApiDocument, ajv: Ajv, opts: { strictObjects: boolean }): ResponseSchemaIndex {
  const components = doc.components?.schemas ?? {};
  const templates = Object.keys(doc.paths).map((template) => ({ template, pattern: templatePattern(template) }));
  const compiled = new Map<string, ValidateFunction | undefined>();

  return {
    find(method, path, status) {
      const matches = templates.filter((t) => t.pattern.test(path));
      // The most literal template wins (`/IncomingPhoneNumbers/Local.json` over `/{Sid}.json`).
      const best = matches.sort((a, b) => literalLength(b.template) - literalLength(a.template))[0];
      if (best === undefined) return `no path template in the spec matches ${path}`;
      const operation = doc.paths[best.template]?.[method.toLowerCase()];
      if (operation === undefined) return `the spec has no ${method} ${best.template}`;
      const response = operation.responses?.[String(status)];
      if (response === undefined) return `the spec documents no ${status} answer for ${method} ${best.template}`;
      const key = `${method} ${best.template} ${status}`;
      if (!compiled.has(key)) {
        const schema = response.content?.['application/json']?.schema;
        compiled.set(
          key,
          schema === undefined ? undefined : ajv.compile(toJsonSchema(schema, components, opts) as Node),
        );
      }
      return { template: best.template, validate: compiled.get(key) };
    },
  };
}

function templatePattern(template: string): RegExp {
  const parts = template.split(/\{[^}]+\}/).map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`);
}

function literalLength(template: string): number {
  return template.replace(/\{[^}]+\}/g, '').length;
}
