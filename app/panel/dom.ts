// Tiny DOM helpers for the panel. Updates write only what changed: the panel refreshes
// several times a second and must not make the browser re-layout for equal numbers.

/**
 * Creates an element.
 * @param tag Tag name.
 * @param props Attributes (`class`, `data-*`, …) set with setAttribute.
 * @param children Child nodes or text.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) el.setAttribute(k, v);
  el.append(...children);
  return el;
}

/** Sets an element's text only when it differs. */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Sets an attribute only when it differs. */
export function setAttr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** One column of a {@link KeyedTable}. */
export interface Column<R> {
  /** Field name, written to each cell's `data-field`. */
  field: string;
  label: string;
  /** Tooltip on the header. */
  title?: string;
  /** The raw value (kept in the cell's `data-value`, for tests and tooling). */
  value(row: R): number | string | boolean | null;
  /** Text shown; defaults to String(value). */
  text?(row: R): string;
}

/**
 * A table whose rows are keyed (a pool id, an area name) and updated in place: rows are
 * added and removed as keys come and go, cells are rewritten only when their text changes.
 */
export class KeyedTable<R> {
  readonly el: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly rows = new Map<string, HTMLTableRowElement>();

  /**
   * @param columns Columns, in order.
   * @param key A row's key.
   * @param name Written to the table's `data-table`.
   */
  constructor(
    private readonly columns: Column<R>[],
    private readonly key: (row: R) => string,
    name: string,
  ) {
    const head = h('tr', {}, ...columns.map((c) => h('th', c.title ? { 'data-field': c.field, title: c.title } : { 'data-field': c.field }, c.label)));
    this.body = h('tbody');
    this.el = h('table', { 'data-table': name }, h('thead', {}, head), this.body);
  }

  /** Shows exactly these rows, in this order. */
  update(data: readonly R[]): void {
    const seen = new Set<string>();
    let before: ChildNode | null = this.body.firstChild;
    for (const row of data) {
      const k = this.key(row);
      seen.add(k);
      let tr = this.rows.get(k);
      if (!tr) {
        tr = h('tr', { 'data-key': k }, ...this.columns.map((c) => h('td', { 'data-field': c.field })));
        this.rows.set(k, tr);
      }
      if (tr !== before) this.body.insertBefore(tr, before);
      before = tr.nextSibling;
      this.columns.forEach((c, i) => {
        const td = tr.cells[i]!;
        const v = c.value(row);
        setAttr(td, 'data-value', String(v));
        setText(td, c.text ? c.text(row) : String(v ?? ''));
      });
    }
    for (const [k, tr] of this.rows) {
      if (!seen.has(k)) {
        tr.remove();
        this.rows.delete(k);
      }
    }
  }
}
