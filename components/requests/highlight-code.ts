import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import dockerfile from "highlight.js/lib/languages/dockerfile";
import ini from "highlight.js/lib/languages/ini";
import json from "highlight.js/lib/languages/json";
import yaml from "highlight.js/lib/languages/yaml";

hljs.registerLanguage("bash", bash);
hljs.registerLanguage("dockerfile", dockerfile);
hljs.registerLanguage("ini", ini);
hljs.registerLanguage("json", json);
hljs.registerLanguage("yaml", yaml);

export type PreviewLanguage = "bash" | "dockerfile" | "ini" | "json" | "yaml";

/** highlight.js escapes the text it is given, so its HTML output is safe to insert. */
export function highlightCode(code: string, language: PreviewLanguage): string {
  return hljs.highlight(code, { language }).value;
}
