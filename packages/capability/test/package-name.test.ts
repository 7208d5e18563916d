import { describe, expect, it } from 'vitest';
import { packageName } from '../src/index.js';

describe('packageName', () => {
  it('is the npm name of the package', () => {
    expect(packageName).toBe('@tala-net/capability');
  });
});
