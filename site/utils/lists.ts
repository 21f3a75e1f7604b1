/**
 * The pre-rendered filter pages of the reply and announcement lists. Filters work without JavaScript:
 * each value of each filter is its own static, paginated list (/replies/category/grouping/,
 * /replies/outcome/adopted/page/2/, /announcements/type/monthly-notice/), linked from every list page.
 */
import { categoryKeys, outcomeKeys, type CategoryKey, type OutcomeKey } from '../../schemas/common.ts';
import { announcementTypes, type AnnouncementType } from '../../schemas/announcement.ts';
import { announcements, replies, type AnnouncementEntry, type ReplyEntry } from './collections.ts';
import { announcementTypeZh, categoryZh, outcomeZh, paginateList, type ListPage } from './view.ts';

export interface FilterOption { href: string; label: string; count: number }
export interface FilterGroup { title: string; dimension: string; options: FilterOption[] }
export interface ListView<T> {
  /** Heading of the list, e.g. 意见答复：分组技术类. */
  heading: string;
  /** The filter in force, e.g. `category/grouping`; '' for the whole list. */
  filter: string;
  page: ListPage<T>;
  groups: FilterGroup[];
}

type Dim<T> = { dimension: string; title: string; values: string[]; value: (x: T) => string; label: (v: string) => string };

function buildViews<T>(root: string, name: string, all: T[], dims: Dim<T>[]): ListView<T>[] {
  const groups: FilterGroup[] = dims.map((d) => ({
    title: d.title,
    dimension: d.dimension,
    options: d.values.map((v) => ({ href: `${root}${d.dimension}/${v}/`, label: d.label(v), count: all.filter((x) => d.value(x) === v).length })),
  }));
  const views: ListView<T>[] = paginateList(all, root).map((page) => ({ heading: name, filter: '', page, groups }));
  for (const d of dims) {
    for (const v of d.values) {
      const base = `${root}${d.dimension}/${v}/`;
      const items = all.filter((x) => d.value(x) === v);
      for (const page of paginateList(items, base)) views.push({ heading: `${name}：${d.label(v)}`, filter: `${d.dimension}/${v}`, page, groups });
    }
  }
  return views;
}

const yearsOf = (dates: Date[]) => [...new Set(dates.map((d) => String(d.getUTCFullYear())))].sort().reverse();

let replyViews: Promise<ListView<ReplyEntry>[]> | undefined;
/** Every page of the reply list: all, by category, by outcome, by year replied. */
export function replyListViews(): Promise<ListView<ReplyEntry>[]> {
  return (replyViews ??= replies().then((all) =>
    buildViews('/replies/', '意见答复', all, [
      { dimension: 'category', title: '问题分类', values: categoryKeys, value: (r) => r.data.category, label: (v) => categoryZh(v as CategoryKey) },
      { dimension: 'outcome', title: '办理结果', values: outcomeKeys, value: (r) => r.data.outcome, label: (v) => outcomeZh(v as OutcomeKey) },
      { dimension: 'year', title: '答复年份', values: yearsOf(all.map((r) => r.data.replied)), value: (r) => String(r.data.replied.getUTCFullYear()), label: (v) => `${v}年` },
    ]),
  ));
}

let announcementViews: Promise<ListView<AnnouncementEntry>[]> | undefined;
/** Every page of the announcement list: all, by type, by the year of the period covered. */
export function announcementListViews(): Promise<ListView<AnnouncementEntry>[]> {
  const types = Object.keys(announcementTypes) as AnnouncementType[];
  return (announcementViews ??= announcements().then((all) =>
    buildViews('/announcements/', '公告', all, [
      { dimension: 'type', title: '公告类型', values: types, value: (a) => a.data.type, label: (v) => announcementTypeZh(v as AnnouncementType) },
      { dimension: 'year', title: '所属年度', values: [...new Set(all.map((a) => a.data.period.slice(0, 4)))].sort().reverse(), value: (a) => a.data.period.slice(0, 4), label: (v) => `${v}年` },
    ]),
  ));
}

/**
 * getStaticPaths entries for one route file: the views whose URL starts with `prefix`
 * (e.g. `/replies/category/`, `/replies/page/`), with the rest of the URL as the rest parameter `param`.
 */
export function pathsFor<T>(views: ListView<T>[], prefix: string, param: string) {
  return views
    .filter((v) => v.page.url.startsWith(prefix) && v.page.url !== prefix)
    .map((view) => ({ params: { [param]: view.page.url.slice(prefix.length).replace(/\/$/, '') }, props: { view } }));
}
