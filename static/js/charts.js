// Small hand-drawn SVG charts. Each is an image with a text summary for screen readers;
// the numbers are also in a list or table beside it (numbersTable). The SVG scales to
// its container's width (never wider), so a chart cannot push a phone's page sideways.
import { h, svg } from './dom.js';
import { t } from './i18n.js';

const W = 320;
const H = 140;
const PAD = { left: 28, right: 8, top: 10, bottom: 22 };

function scale(values, size, low = 0) {
  const high = Math.max(low + 1, ...values);
  return (v) => size - ((v - low) / (high - low)) * size;
}

// A legend under a chart, in the page's words: [{ key, text }], where `key` names the
// swatch's look (met, short, so-far, no-plan, target, open-dot).
function legendList(entries) {
  const shown = (entries || []).filter(Boolean);
  if (!shown.length) return null;
  return h('ul', { class: 'chart-legend' }, shown.map(({ key, text }) => h('li', {},
    h('span', { class: `legend-key ${key}`, 'aria-hidden': 'true' }), text)));
}

// The caption says what the chart is; the image itself carries the same name.
function frame(label, legend, ...children) {
  return h('figure', { class: 'chart-figure' },
    h('figcaption', {}, label),
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart' }, ...children),
    legendList(legend));
}

function axis(yMax, ys) {
  return [
    svg('line', { x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom, class: 'axis' }),
    svg('text', { x: PAD.left - 4, y: ys(yMax) + 4, class: 'tick', 'text-anchor': 'end' }, String(yMax)),
    svg('text', { x: PAD.left - 4, y: H - PAD.bottom + 4, class: 'tick', 'text-anchor': 'end' }, '0'),
  ];
}

// The labels under the x axis: the first at the left, the last at the right; one label
// alone (or the same label twice, a chart of one week or one day) once, in the middle.
function edgeLabels(labels) {
  if (!labels?.length) return [];
  const first = labels[0];
  const last = labels.at(-1);
  if (labels.length === 1 || first === last) {
    return [svg('text', { x: (PAD.left + W - PAD.right) / 2, y: H - 6, class: 'tick', 'text-anchor': 'middle' }, first)];
  }
  return [
    svg('text', { x: PAD.left, y: H - 6, class: 'tick' }, first),
    svg('text', { x: W - PAD.right, y: H - 6, class: 'tick', 'text-anchor': 'end' }, last),
  ];
}

// A line of points (x = index); a null value is a gap in the line. Points whose `open`
// is true (the week under way) are drawn hollow. `labels` under the first and last point.
export function lineChart({ label, values, labels, yMax, open, legend }) {
  const inner = H - PAD.top - PAD.bottom;
  const top = yMax ?? Math.max(1, ...values.filter((v) => v != null));
  const ys = (v) => PAD.top + scale([top], inner)(v);
  const step = values.length > 1 ? (W - PAD.left - PAD.right) / (values.length - 1) : 0;
  const xs = (i) => PAD.left + (values.length > 1 ? i * step : (W - PAD.left - PAD.right) / 2);
  const runs = [[]];
  values.forEach((v, i) => {
    if (v == null) runs.push([]);
    else runs.at(-1).push([xs(i), ys(v)]);
  });
  return frame(label, legend,
    ...axis(top, ys),
    ...runs.filter((run) => run.length > 1).map((run) => svg('polyline', { points: run.map((p) => p.join(',')).join(' '), class: 'line' })),
    ...values.map((v, i) => (v == null ? null
      : svg('circle', { cx: xs(i), cy: ys(v), r: 3.5, class: open?.[i] ? 'dot open' : 'dot' }))),
    ...edgeLabels(labels));
}

// Bars per week with a dashed target mark over each bar. `target` is one number for
// every bar or one per bar (a team's target follows the members enrolled that week; the
// week under way is held to the target so far); a bar with no target has no mark.
// `kinds` says how each bar is drawn: 'met', 'short' (under its target), 'so-far' or
// 'so-far met' (the week under way) and 'no-plan' (a week without a target).
export function barChart({ label, values, kinds, target, labels, legend }) {
  const inner = H - PAD.top - PAD.bottom;
  const targets = Array.isArray(target) ? target : values.map(() => target ?? null);
  const top = Math.max(1, ...targets.map((v) => v ?? 0), ...values);
  const ys = (v) => PAD.top + scale([top], inner)(v);
  const slot = (W - PAD.left - PAD.right) / Math.max(1, values.length);
  return frame(label, legend,
    ...axis(top, ys),
    ...values.map((v, i) => svg('rect', {
      x: PAD.left + i * slot + slot * 0.15,
      y: ys(v),
      width: slot * 0.7,
      height: Math.max(0, H - PAD.bottom - ys(v)),
      class: `bar ${kinds?.[i] ?? 'short'}`,
    })),
    // A week without a plan and without sessions still shows, as grey on the axis.
    ...values.map((v, i) => (kinds?.[i] === 'no-plan' && !v ? svg('line', {
      x1: PAD.left + i * slot + slot * 0.15,
      x2: PAD.left + i * slot + slot * 0.85,
      y1: H - PAD.bottom - 2,
      y2: H - PAD.bottom - 2,
      class: 'no-plan-mark',
    }) : null)),
    ...targets.map((v, i) => (v ? svg('line', {
      x1: PAD.left + i * slot + slot * 0.05,
      x2: PAD.left + (i + 1) * slot - slot * 0.05,
      y1: ys(v),
      y2: ys(v),
      class: 'target',
    }) : null)),
    ...edgeLabels(labels));
}

// How a week's bar is drawn, from what the API says of it: no plan, the week under way
// (against the target so far), or a finished week met or not.
export function weekKind({ planned, partial, sessions, due }) {
  if (!planned) return 'no-plan';
  if (partial) return due != null && sessions >= due && due > 0 ? 'so-far met' : 'so-far';
  return sessions >= due ? 'met' : 'short';
}

// The legend of a chart of weeks: only the looks its bars use, and the target mark.
export function weekLegend(kinds, { target = true } = {}) {
  const has = (kind) => kinds.some((k) => k.split(' ')[0] === kind);
  return [
    has('met') ? { key: 'met', text: t('legend_met') } : null,
    has('short') ? { key: 'short', text: t('legend_short') } : null,
    has('so-far') ? { key: 'so-far', text: t('legend_so_far') } : null,
    has('no-plan') ? { key: 'no-plan', text: t('legend_no_plan') } : null,
    target && kinds.some((k) => k !== 'no-plan') ? { key: 'target', text: t('legend_target') } : null,
  ];
}

// The numbers of a chart as a table: the first cell of each row heads it (text or a
// node). A row given as { head, note } spans the other columns with the note. The
// table fits a phone's width (its cells wrap); only with very large text may it scroll
// sideways, and then the keyboard reaches it too.
export function numbersTable({ caption, columns, rows }) {
  return h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': caption },
    h('table', { class: 'numbers-table' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((row) => (Array.isArray(row)
        ? h('tr', {}, h('th', { scope: 'row' }, row[0]), row.slice(1).map((cell) => h('td', {}, cell)))
        : h('tr', {}, h('th', { scope: 'row' }, row.head),
          h('td', { colspan: columns.length - 1, class: 'muted' }, row.note)))))));
}
