// Small hand-drawn SVG charts. Each is an image with a text summary for screen readers;
// the numbers are also in a list or table beside it (numbersTable).
import { h, svg } from './dom.js';

const W = 320;
const H = 140;
const PAD = { left: 28, right: 8, top: 10, bottom: 22 };

function scale(values, size, low = 0) {
  const high = Math.max(low + 1, ...values);
  return (v) => size - ((v - low) / (high - low)) * size;
}

// The caption says what the chart is; the image itself carries the same name.
function frame(label, ...children) {
  return h('figure', { class: 'chart-figure' },
    h('figcaption', {}, label),
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart' }, ...children));
}

function axis(yMax, ys) {
  return [
    svg('line', { x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom, class: 'axis' }),
    svg('text', { x: PAD.left - 4, y: ys(yMax) + 4, class: 'tick', 'text-anchor': 'end' }, String(yMax)),
    svg('text', { x: PAD.left - 4, y: H - PAD.bottom + 4, class: 'tick', 'text-anchor': 'end' }, '0'),
  ];
}

// A line of points (x = index); `labels` under the first and last point.
export function lineChart({ label, values, labels, yMax }) {
  const inner = H - PAD.top - PAD.bottom;
  const top = yMax ?? Math.max(1, ...values.filter((v) => v != null));
  const ys = (v) => PAD.top + scale([top], inner)(v);
  const step = values.length > 1 ? (W - PAD.left - PAD.right) / (values.length - 1) : 0;
  const xs = (i) => PAD.left + (values.length > 1 ? i * step : (W - PAD.left - PAD.right) / 2);
  const points = values.map((v, i) => (v == null ? null : [xs(i), ys(v)])).filter(Boolean);
  return frame(label,
    ...axis(top, ys),
    svg('polyline', { points: points.map((p) => p.join(',')).join(' '), class: 'line' }),
    ...points.map(([x, y]) => svg('circle', { cx: x, cy: y, r: 3.5, class: 'dot' })),
    labels?.length ? svg('text', { x: PAD.left, y: H - 6, class: 'tick' }, labels[0]) : null,
    labels?.length > 1 ? svg('text', { x: W - PAD.right, y: H - 6, class: 'tick', 'text-anchor': 'end' }, labels.at(-1)) : null);
}

// Bars per week with a dashed target line; bars that met the target are filled darker.
// `target` is one number for every bar, or one per bar (a team's target follows the
// members enrolled that week), drawn as a dashed mark over each bar.
export function barChart({ label, values, met, target, labels }) {
  const inner = H - PAD.top - PAD.bottom;
  const targets = Array.isArray(target) ? target : null;
  const top = Math.max(1, ...(targets ?? [target ?? 0]).map((v) => v ?? 0), ...values);
  const ys = (v) => PAD.top + scale([top], inner)(v);
  const slot = (W - PAD.left - PAD.right) / Math.max(1, values.length);
  return frame(label,
    ...axis(top, ys),
    ...values.map((v, i) => svg('rect', {
      x: PAD.left + i * slot + slot * 0.15,
      y: ys(v),
      width: slot * 0.7,
      height: Math.max(0, H - PAD.bottom - ys(v)),
      class: met?.[i] ? 'bar met' : 'bar',
    })),
    targets ? targets.map((v, i) => (v ? svg('line', {
      x1: PAD.left + i * slot + slot * 0.05,
      x2: PAD.left + (i + 1) * slot - slot * 0.05,
      y1: ys(v),
      y2: ys(v),
      class: 'target',
    }) : null)) : null,
    !targets && target ? svg('line', { x1: PAD.left, x2: W - PAD.right, y1: ys(target), y2: ys(target), class: 'target' }) : null,
    labels?.length ? svg('text', { x: PAD.left, y: H - 6, class: 'tick' }, labels[0]) : null,
    labels?.length > 1 ? svg('text', { x: W - PAD.right, y: H - 6, class: 'tick', 'text-anchor': 'end' }, labels.at(-1)) : null);
}

// The numbers of a chart as a table: the first cell of each row heads it (text or a
// node). A row given as { head, note } spans the other columns with the note.
export function numbersTable({ caption, columns, rows }) {
  // A narrow phone may scroll a wide table sideways: the keyboard must reach it too.
  return h('div', { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': caption },
    h('table', { class: 'numbers-table' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((row) => (Array.isArray(row)
        ? h('tr', {}, h('th', { scope: 'row' }, row[0]), row.slice(1).map((cell) => h('td', {}, cell)))
        : h('tr', {}, h('th', { scope: 'row' }, row.head),
          h('td', { colspan: columns.length - 1, class: 'muted' }, row.note)))))));
}
