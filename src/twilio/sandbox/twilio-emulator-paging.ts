// List pages of the Twilio API emulator with Twilio's paging fields: Trunking v1 puts absolute page URLs
// in a `meta` object, API 2010 puts relative `*_page_uri`s and `start`/`end` next to the records.

import type { JsonObject } from './twilio-emulator-json.js';

interface PageWindow {
  page: number;
  pageSize: number;
  start: number;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/**
 * Which records a list request asks for. `PageToken` (`PA<sid>`: after that record, `PB<sid>`: before it)
 * wins over `Page`, as on Twilio, so a record deleted between two page requests does not shift the pages.
 */
function pageWindow(sids: string[], query: URLSearchParams): PageWindow {
  const sizeParam = Number(query.get('PageSize') ?? DEFAULT_PAGE_SIZE);
  const pageSize = Number.isInteger(sizeParam) && sizeParam > 0 ? Math.min(sizeParam, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  const pageParam = Number(query.get('Page') ?? 0);
  const page = Number.isInteger(pageParam) && pageParam >= 0 ? pageParam : 0;
  const token = query.get('PageToken') ?? '';
  const anchor = sids.indexOf(token.slice(2));
  if (token.startsWith('PA') && anchor >= 0) return { page, pageSize, start: anchor + 1 };
  if (token.startsWith('PB') && anchor >= 0) return { page, pageSize, start: Math.max(0, anchor - pageSize) };
  return { page, pageSize, start: page * pageSize };
}

function withPaging(base: string, filters: [string, string][], pageSize: number, page: number, token?: string): string {
  const q = new URLSearchParams(filters);
  q.set('PageSize', String(pageSize));
  q.set('Page', String(page));
  if (token !== undefined) q.set('PageToken', token);
  return `${base}?${q.toString()}`;
}

function slice<T extends { sid: string }>(all: T[], query: URLSearchParams) {
  const w = pageWindow(
    all.map((r) => r.sid),
    query,
  );
  const items = all.slice(w.start, w.start + w.pageSize);
  const first = items[0];
  const last = items[items.length - 1];
  const next = last !== undefined && w.start + items.length < all.length ? `PA${last.sid}` : undefined;
  const previous = first !== undefined && w.start > 0 ? `PB${first.sid}` : undefined;
  const current = query.get('PageToken') ?? undefined;
  return { ...w, items, next, previous, current };
}

/** A Trunking v1 list page: the records under `key` and a `meta` object with absolute page URLs. */
export function v1ListPage<T extends { sid: string }>(
  key: string,
  url: string,
  all: T[],
  query: URLSearchParams,
  render: (record: T) => JsonObject,
): JsonObject {
  const p = slice(all, query);
  return {
    [key]: p.items.map(render),
    meta: {
      page: p.page,
      page_size: p.pageSize,
      first_page_url: withPaging(url, [], p.pageSize, 0),
      previous_page_url: p.previous === undefined ? null : withPaging(url, [], p.pageSize, p.page - 1, p.previous),
      url: withPaging(url, [], p.pageSize, p.page, p.current),
      next_page_url: p.next === undefined ? null : withPaging(url, [], p.pageSize, p.page + 1, p.next),
      key,
    },
  };
}

/** An API 2010 list page: the records under `key`, relative `*_uri`s that keep the filters, start/end. */
export function v2010ListPage<T extends { sid: string }>(
  key: string,
  uri: string,
  all: T[],
  query: URLSearchParams,
  render: (record: T) => JsonObject,
): JsonObject {
  const p = slice(all, query);
  const filters = [...query.entries()].filter(([k]) => !['Page', 'PageSize', 'PageToken'].includes(k));
  return {
    [key]: p.items.map(render),
    end: p.start + Math.max(0, p.items.length - 1),
    first_page_uri: withPaging(uri, filters, p.pageSize, 0),
    next_page_uri: p.next === undefined ? null : withPaging(uri, filters, p.pageSize, p.page + 1, p.next),
    page: p.page,
    page_size: p.pageSize,
    previous_page_uri:
      p.previous === undefined ? null : withPaging(uri, filters, p.pageSize, p.page - 1, p.previous),
    start: p.start,
    uri: withPaging(uri, filters, p.pageSize, p.page, p.current),
  };
}
