/**
 * The component entries that written data holds in one field: a single component, a repeatable one, or a dynamic
 * zone (whose entries name their own component in `__component`, and count only when the zone lists it). Each comes
 * with the component uid that describes it and its path in the data, so rules that walk written data (the text
 * policy, media ownership) name a nested field the way validation errors do: `["questions", "0", "prompt"]`.
 */
export interface NestedAttribute {
  type: string;
  component?: string;
  components?: string[];
}

export interface NestedEntry {
  uid: string;
  data: unknown;
  path: string[];
}

export function nestedEntries(attribute: NestedAttribute, value: unknown, path: string[]): NestedEntry[] {
  if (attribute.type === 'component' && attribute.component) {
    const uid = attribute.component;
    if (!Array.isArray(value)) return [{ uid, data: value, path }];
    return value.map((item, index) => ({ uid, data: item, path: [...path, String(index)] }));
  }
  if (attribute.type === 'dynamiczone' && Array.isArray(value)) {
    return value.flatMap((item, index) => {
      const uid = (item as { __component?: unknown } | null)?.__component;
      return typeof uid === 'string' && attribute.components?.includes(uid)
        ? [{ uid, data: item, path: [...path, String(index)] }]
        : [];
    });
  }
  return [];
}
