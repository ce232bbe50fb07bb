"use client";

import "./code-preview.css";
import { useEffect, useId, useState } from "react";
import { CopyButton } from "./copy-button";
import type { PreviewLanguage } from "./highlight-code";

/**
 * A generated file with syntax highlighting and a copy button. The text shows at once; the
 * highlighter (highlight.js) is loaded only when a preview is on screen, and colours it when it
 * arrives. Its output is escaped HTML of text that came from our own renderers.
 */
export function CodePreview({ title, code, language, filename }: { title: string; code: string; language: PreviewLanguage; filename?: string }) {
  const headingId = useId();
  const [highlighted, setHighlighted] = useState<{ code: string; language: PreviewLanguage; html: string } | null>(null);
  useEffect(() => {
    let isCurrent = true;
    void import("./highlight-code").then(({ highlightCode }) => {
      if (isCurrent) setHighlighted({ code, language, html: highlightCode(code, language) });
    });
    return () => {
      isCurrent = false;
    };
  }, [code, language]);
  const html = highlighted?.code === code && highlighted.language === language ? highlighted.html : null;
  return (
    <section aria-labelledby={headingId} className="overflow-hidden rounded-xl border border-slate-200 bg-white">
      <div className="flex items-center justify-between gap-2 border-b border-slate-200 bg-slate-50 px-4 py-2">
        <h4 id={headingId} className="text-sm font-semibold text-slate-800">
          {title}
          {filename ? <span className="ml-2 font-mono text-xs font-normal text-slate-600">{filename}</span> : null}
        </h4>
        <CopyButton text={code} label={title} />
      </div>
      <pre tabIndex={0} aria-label={`${title} contents`} className="hljs max-h-80 overflow-auto p-4 text-xs leading-relaxed">
        {html === null ? <code>{code}</code> : <code dangerouslySetInnerHTML={{ __html: html }} />}
      </pre>
    </section>
  );
}
