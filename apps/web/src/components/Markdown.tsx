import DOMPurify from 'dompurify';
import { marked } from 'marked';
import { useMemo } from 'react';

/** Markdown rendered by marked and then sanitized by DOMPurify: no script, handler or raw HTML survives. */
export function Markdown({ source }: { source: string }) {
  const html = useMemo(() => DOMPurify.sanitize(marked.parse(source, { async: false, gfm: true }), { USE_PROFILES: { html: true } }), [source]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
