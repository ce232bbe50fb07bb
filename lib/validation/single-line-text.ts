/**
 * One rule for every free-text field a person types: a value is one line of printable text.
 * Whatever we accept is later written into line-oriented files (requirements.txt, conda.yml,
 * Dockerfiles, pip.conf), and each reader has its own idea of a line break: pip splits on CR,
 * Python's str.splitlines on VT, FF, NEL and U+2028/U+2029 too. So none of them is allowed,
 * nor any other control character: C0 (TAB included: a form field has no use for one), DEL
 * and C1. Pure and free of Node built-ins, so the browser shares it.
 */
import { z } from "zod";

export const SINGLE_LINE_MESSAGE = "contains a line break or control character";

const CONTROL_OR_LINE_BREAK = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
const CONTROL_OR_LINE_BREAK_ALL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;

/** Every line terminator any reader of our files might honour: CRLF, LF, VT, FF, CR, NEL, LS, PS. */
const ANY_LINE_BREAK = /\r\n|[\n\v\f\r\u0085\u2028\u2029]/;

/**
 * A string schema that refuses line breaks and control characters. The check runs before
 * anything else (chain `.trim()`, `.regex()` after it), so trimming can never hide a
 * terminator at either end, and it aborts, so the field shows this one clear message.
 */
export function singleLineText() {
  return z.string().refine((value) => !CONTROL_OR_LINE_BREAK.test(value), { message: SINGLE_LINE_MESSAGE, abort: true });
}

export function hasLineBreakOrControl(value: string): boolean {
  return CONTROL_OR_LINE_BREAK.test(value);
}

/** Splits pasted file content on every line terminator, so no entry can carry a second line. */
export function splitAnyLineBreak(text: string): string[] {
  return text.split(ANY_LINE_BREAK);
}

/**
 * A value for messages and logs: control characters become visible `\u{…}` escapes, so an
 * echoed entry can neither break the line it is shown on nor hide what it contains.
 */
export function printable(value: string): string {
  return value.replace(CONTROL_OR_LINE_BREAK_ALL, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}}`);
}
