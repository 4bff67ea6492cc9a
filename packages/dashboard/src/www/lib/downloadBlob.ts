/**
 * Saves bytes the page fetched as a file: an object URL clicked through
 * `<a download>`, then revoked. Nothing navigates, so the file's contents (an
 * evidence pack, an export) never reach a URL the browser keeps in its
 * history, and no export link is ever shown.
 */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // The click starts the download before this task ends; revoking in the next one leaves it the URL until then.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
