// Builds DOM nodes safely: every string becomes a text node (createTextNode / textContent).
// Must never use innerHTML, insertAdjacentHTML, or set on* attributes: API text is untrusted.

/** A child of el(): a node, a string (inserted as text), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes for el(); `class` and `data-*` are plain attributes. Event handlers are refused. */
export type Attrs = Record<string, string | number | boolean | undefined | null>;

/**
 * Creates an element with attributes and children. Strings are inserted as text nodes, so
 * `<img src=x onerror=...>` from a switch's ifAlias shows as literal text.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (/^on/i.test(k) || k === 'style') throw new Error(`el(): attribute ${k} is not allowed`);
    node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, ...children);
  return node;
}

/** Appends children, strings as text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Removes every child of a node, then appends the new ones. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The element with this id; throws if the page lacks it (a page/module mismatch). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`missing #${id}`);
  return e as T;
}
