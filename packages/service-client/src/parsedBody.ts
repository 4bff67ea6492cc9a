/** A body as JSON when it is JSON, else its text (an error page from a proxy). */
export function parsedBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
