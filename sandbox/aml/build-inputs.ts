/** Parsers for what an image build reads: Dockerfiles, conda environment files, pip.conf, .condarc, shell. */

export type DockerInstruction = { line: number; keyword: string; args: string };

const INSTRUCTIONS = new Set(["FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"]);

export function parseDockerfile(text: string): { instructions: DockerInstruction[] } | { error: string } {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const instructions: DockerInstruction[] = [];
  let buffer = "";
  let startLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const trimmed = raw.trim();
    if (!buffer && (trimmed === "" || trimmed.startsWith("#"))) continue;
    if (buffer && trimmed.startsWith("#")) continue;
    if (!buffer) startLine = i + 1;
    if (trimmed.endsWith("\\")) {
      buffer += `${trimmed.slice(0, -1)} `;
      continue;
    }
    buffer += trimmed;
    const m = /^(\S+)\s*(.*)$/.exec(buffer);
    buffer = "";
    if (!m || !m[1]) continue;
    const keyword = m[1].toUpperCase();
    if (!INSTRUCTIONS.has(keyword)) return { error: `dockerfile parse error line ${startLine}: unknown instruction: ${m[1].toUpperCase()}` };
    instructions.push({ line: startLine, keyword, args: (m[2] ?? "").trim() });
  }
  if (buffer) return { error: `dockerfile parse error line ${startLine}: unexpected end of file after line continuation` };
  if (instructions.length === 0) return { error: "the Dockerfile (Dockerfile) cannot be empty" };
  const first = instructions.find((i) => i.keyword !== "ARG");
  if (first?.keyword !== "FROM") return { error: `failed to process "${first?.keyword ?? ""}": no build stage in current context` };
  return { instructions };
}

export type CondaEnvFile = { name?: string; channels: string[]; dependencies: string[]; pip: string[] };

/** Parses the subset of YAML used by conda environment files. */
export function parseCondaEnv(text: string): CondaEnvFile | { error: string } {
  const env: CondaEnvFile = { channels: [], dependencies: [], pip: [] };
  let section = "";
  let inPip = false;
  let pipIndent = -1;
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] ?? "").replace(/\s+#.*$/, "");
    if (raw.trim() === "" || raw.trim().startsWith("#")) continue;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (indent === 0) {
      inPip = false;
      const m = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
      if (!m || !m[1]) return { error: `while parsing a block mapping\n  in "<file>", line ${i + 1}, column 1\nexpected <block end>, but found '${line.slice(0, 20)}'` };
      section = m[1];
      if (section === "name") env.name = unquote(m[2] ?? "");
      continue;
    }
    if (inPip && indent > pipIndent && line.startsWith("- ")) {
      env.pip.push(unquote(line.slice(2).trim()));
      continue;
    }
    inPip = false;
    if (!line.startsWith("-")) return { error: `while parsing a block collection\n  in "<file>", line ${i + 1}, column ${indent + 1}\nexpected <block end>, but found '${line.slice(0, 20)}'` };
    const item = unquote(line.slice(1).trim());
    if (section === "channels") env.channels.push(item);
    else if (section === "dependencies") {
      if (/^pip\s*:\s*$/.test(item)) {
        inPip = true;
        pipIndent = indent;
      } else env.dependencies.push(item);
    }
  }
  return env;
}

/** Reads index settings from an ini-style pip.conf. */
export function parsePipConf(text: string): { indexUrl?: string; extraIndexUrls: string[] } {
  let section = "";
  const out: { indexUrl?: string; extraIndexUrls: string[] } = { extraIndexUrls: [] };
  let lastKey = "";
  for (const raw of text.replace(/\\n/g, "\n").split("\n")) {
    const line = raw.replace(/[;#].*$/, "");
    const sec = /^\s*\[([^\]]+)\]/.exec(line);
    if (sec?.[1]) {
      section = sec[1].trim().toLowerCase();
      continue;
    }
    if (section !== "global" && section !== "install") continue;
    const kv = /^\s*([\w-]+)\s*[=:]\s*(.*)$/.exec(line);
    if (kv?.[1]) {
      lastKey = kv[1].toLowerCase();
      const value = (kv[2] ?? "").trim();
      if (lastKey === "index-url" && value) out.indexUrl = value;
      if (lastKey === "extra-index-url") out.extraIndexUrls.push(...value.split(/\s+/).filter(Boolean));
    } else if (/^\s+\S/.test(line) && lastKey === "extra-index-url") {
      out.extraIndexUrls.push(...line.trim().split(/\s+/));
    }
  }
  return out;
}

export function parseCondarc(text: string): { channels?: string[] } {
  const env = parseCondaEnv(text);
  if ("error" in env) return {};
  return env.channels.length ? { channels: env.channels } : {};
}

/** Splits a RUN line into simple commands (on &&, ||, ;), each tokenized like a POSIX shell would. */
export function splitShell(line: string): { argv: string[]; redirect?: { path: string; append: boolean }; orTrue: boolean }[] {
  const commands: { argv: string[]; redirect?: { path: string; append: boolean }; orTrue: boolean }[] = [];
  let argv: string[] = [];
  let token = "";
  let hasToken = false;
  let quote: string | undefined;
  let redirect: { path: string; append: boolean } | undefined;
  let pendingRedirect: { append: boolean } | undefined;
  const pushToken = (): void => {
    if (!hasToken) return;
    if (pendingRedirect) {
      redirect = { path: token, append: pendingRedirect.append };
      pendingRedirect = undefined;
    } else argv.push(token);
    token = "";
    hasToken = false;
  };
  const pushCommand = (sep: string): void => {
    pushToken();
    if (argv.length) commands.push({ argv, redirect, orTrue: false });
    if (sep === "||" && commands.length) {
      const last = commands[commands.length - 1];
      if (last) last.orTrue = true;
    }
    argv = [];
    redirect = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "";
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) token += line[++i] ?? "";
      else token += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      hasToken = true;
      continue;
    }
    if (c === "\\" && i + 1 < line.length) {
      token += line[++i] ?? "";
      hasToken = true;
      continue;
    }
    if (c === "&" && line[i + 1] === "&") {
      pushCommand("&&");
      i++;
      continue;
    }
    if (c === "|" && line[i + 1] === "|") {
      pushCommand("||");
      i++;
      // skip the fallback command (usually `true`)
      continue;
    }
    if (c === ";" || c === "|") {
      pushCommand(c);
      continue;
    }
    if (c === ">") {
      pushToken();
      const append = line[i + 1] === ">";
      if (append) i++;
      pendingRedirect = { append };
      continue;
    }
    if (c === " " || c === "\t") {
      pushToken();
      continue;
    }
    token += c;
    hasToken = true;
  }
  pushCommand("");
  return commands;
}

function unquote(s: string): string {
  const t = s.trim();
  if ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))) return t.slice(1, -1);
  return t;
}
