"use client";

import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import dockerfile from "highlight.js/lib/languages/dockerfile";
import ini from "highlight.js/lib/languages/ini";
import json from "highlight.js/lib/languages/json";
import yaml from "highlight.js/lib/languages/yaml";
import "./code-preview.css";
import { useId, useMemo } from "react";
import { CopyButton } from "./copy-button";

hljs.registerLanguage("bash", bash);
hljs.registerLanguage("dockerfile", dockerfile);
hljs.registerLanguage("ini", ini);
hljs.registerLanguage("json", json);
hljs.registerLanguage("yaml", yaml);

export type PreviewLanguage = "bash" | "dockerfile" | "ini" | "json" | "yaml";

/**
 * A generated file with syntax highlighting and a copy button. highlight.js escapes the text
 * it is given, so its HTML output is safe to insert; the text itself came from our renderers.
 */
export function CodePreview({ title, code, language, filename }: { title: string; code: string; language: PreviewLanguage; filename?: string }) {
  const headingId = useId();
  const html = useMemo(() => hljs.highlight(code, { language }).value, [code, language]);
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
        <code dangerouslySetInnerHTML={{ __html: html }} />
      </pre>
    </section>
  );
}
