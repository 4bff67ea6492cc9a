import { describe, expect, it } from 'vitest';
import { rawJsonValue } from '../../src/ids/rawJsonValue.js';

describe('rawJsonValue', () => {
  it('gives the value of a key as written, where JSON.parse loses digits', () => {
    expect(rawJsonValue('{"id":12345678901234567891}', 'id')).toBe('12345678901234567891');
    expect(rawJsonValue(' { "id" : 1e3 , "x":1}\r', 'id')).toBe('1e3');
    expect(rawJsonValue('{"x":"id","id":-0.50}', 'id')).toBe('-0.50');
  });

  it('skips nested objects, arrays and strings that hold the key, braces or quotes', () => {
    expect(rawJsonValue('{"a":{"id":1,"b":[{"id":2}]},"s":"\\"id\\":3 }","id":4}', 'id')).toBe('4');
    expect(rawJsonValue('{"a":[1,[2,{"x":"]}"}]],"id":5}', 'id')).toBe('5');
  });

  it('takes the last of duplicate keys, as JSON.parse does, and decodes escaped keys', () => {
    expect(rawJsonValue('{"id":1,"id":2}', 'id')).toBe('2');
    expect(rawJsonValue('{"\\u0069d":7}', 'id')).toBe('7');
  });

  it('is undefined for a missing key, and for a key only nested', () => {
    expect(rawJsonValue('{"x":1}', 'id')).toBeUndefined();
    expect(rawJsonValue('{"x":{"id":1}}', 'id')).toBeUndefined();
    expect(rawJsonValue('{}', 'id')).toBeUndefined();
  });
});
