/**
 * Which names generated code may write as bare identifiers: the declarations (types/index.js) and
 * the ahead-of-time entry (transpile/entry.js) quote or rename the rest.
 */

/** Words that cannot name a parameter, a `const` or an `export const`. */
export const RESERVED_WORDS = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await arguments eval')
    .split(' '),
);

/** Whether `name` is an identifier (a property may be written unquoted). */
export const isIdentifierName = (name) => /^[A-Za-z_$][\w$]*$/.test(name);

/** Whether `name` may be declared as it is (`const name`, `export const name`). */
export const isPlainIdentifier = (name) => isIdentifierName(name) && !RESERVED_WORDS.has(name);
