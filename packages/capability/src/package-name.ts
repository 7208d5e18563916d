/**
 * The npm name of this package.
 *
 * @example
 * ```ts
 * packageName; // '@tala-net/capability'
 * ```
 */
export const packageName = '@tala-net/capability';
