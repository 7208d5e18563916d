/**
 * A short description of any value for an error message (internal). Never throws: symbols,
 * objects without a prototype and objects with a throwing `toString` are described by their
 * kind, not converted.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'number':
    case 'bigint':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'string':
      return `string ${JSON.stringify(value.length > 32 ? `${value.slice(0, 32)}…` : value)}`;
    case 'undefined':
      return 'undefined';
    case 'object':
      if (value === null) return 'null';
      return Array.isArray(value) ? `an array of length ${value.length}` : 'an object';
    default:
      return `a ${typeof value}`;
  }
}
