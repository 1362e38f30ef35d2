// Runs the requests of .http files (the Visual Studio / VS Code REST Client format) in order and checks each status
// against its "# expect NNN" comment. Used by run-http-files.sh; see there for the arguments.
//
// Supported: @var = value lines (values may use other variables), ### separators, # / // comments, "# @name x",
// {{var}}, {{x.response.body.$.json.path[0]}}, {{x.response.body.*}}, {{x.response.headers.Name}},
// {{$timestamp}}, {{$guid}}, {{$randomInt min max}}. Bodies are sent as written; multipart bodies get CRLF line ends,
// as the editors send them.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import path from "node:path";

const overrides = {};
const files = [];
let show = false;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--show") {
    show = true;
  } else if (args[i] === "--var") {
    const pair = args[++i] ?? "";
    const at = pair.indexOf("=");
    if (at < 1) throw new Error(`--var takes name=value, not '${pair}'`);
    overrides[pair.slice(0, at)] = pair.slice(at + 1);
  } else {
    files.push(args[i]);
  }
}

/** Splits a file into its variables and its requests (method, url, headers, body, name, expected statuses, summary). */
function parse(text) {
  const variables = {};
  const requests = [];
  for (const block of text.replace(/\r\n/g, "\n").split(/^###.*$/m)) {
    const lines = block.split("\n");
    let i = 0;
    const meta = { name: null, expect: [], comments: [] };
    for (; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line === "") continue;
      const comment = line.match(/^(?:#|\/\/)\s*(.*)$/);
      if (comment) {
        const body = comment[1];
        let m;
        if ((m = body.match(/^@name\s+(\S+)/))) meta.name = m[1];
        else if ((m = body.match(/^expect\s+([\d\s,|]+)$/))) meta.expect = m[1].split(/[\s,|]+/).filter(Boolean).map(Number);
        else meta.comments.push(body);
        continue;
      }
      const variable = line.match(/^@([\w.-]+)\s*=\s*(.*)$/);
      if (variable) {
        variables[variable[1]] = variable[2].trim();
        continue;
      }
      break;
    }
    if (i >= lines.length) continue;
    const requestLine = lines[i].trim().match(/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)(?:\s+HTTP\/[\d.]+)?$/);
    if (!requestLine) throw new Error(`not a request line: ${lines[i]}`);
    const headers = [];
    for (i++; i < lines.length && lines[i].trim() !== ""; i++) {
      const colon = lines[i].indexOf(":");
      headers.push([lines[i].slice(0, colon).trim(), lines[i].slice(colon + 1).trim()]);
    }
    const bodyLines = lines.slice(i + 1);
    while (bodyLines.length && bodyLines[bodyLines.length - 1].trim() === "") bodyLines.pop();
    requests.push({ method: requestLine[1], url: requestLine[2], headers, body: bodyLines.length ? bodyLines.join("\n") : null, ...meta });
  }
  return { variables, requests };
}

/** A JSONPath of dots and [index] steps ($.a.b[0].c), or * for the whole value. */
function select(value, jsonPath) {
  if (jsonPath === "*" || jsonPath === "$") return value;
  const steps = jsonPath.replace(/^\$\.?/, "").match(/[^.[\]]+|\[\d+\]/g) ?? [];
  for (const step of steps) {
    if (value === null || value === undefined) return undefined;
    value = step.startsWith("[") ? value[Number(step.slice(1, -1))] : value[step];
  }
  return value;
}

function substitute(text, variables, responses, depth = 0) {
  if (depth > 10) throw new Error("variables refer to each other in a loop");
  return text.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (_, expression) => {
    if (expression === "$timestamp") return String(Math.floor(Date.now() / 1000));
    if (expression === "$guid") return randomUUID();
    const random = expression.match(/^\$randomInt\s+(-?\d+)\s+(-?\d+)$/);
    if (random) return String(Number(random[1]) + Math.floor(Math.random() * (Number(random[2]) - Number(random[1]))));
    const reference = expression.match(/^([\w-]+)\.response\.(body|headers)\.(.+)$/);
    if (reference) {
      const [, name, part, rest] = reference;
      const response = responses[name];
      if (!response) throw new Error(`{{${expression}}}: request "${name}" has not run (or failed)`);
      if (part === "headers") {
        const value = response.headers.get(rest);
        if (value === null) throw new Error(`{{${expression}}}: no header ${rest}`);
        return value;
      }
      if (rest === "*") return response.text;
      const value = select(response.json, rest);
      if (value === undefined) throw new Error(`{{${expression}}}: not in the response of "${name}"`);
      return typeof value === "object" ? JSON.stringify(value) : String(value);
    }
    if (!(expression in variables)) throw new Error(`{{${expression}}} is not defined`);
    return substitute(variables[expression], variables, responses, depth + 1);
  });
}

let failed = 0;
let passed = 0;
for (const file of files) {
  const { variables: declared, requests } = parse(readFileSync(file, "utf8"));
  const variables = { ...declared, ...overrides };
  const responses = {};
  const label = path.relative(process.cwd(), file);
  console.log(`\n${label}`);
  for (const [index, request] of requests.entries()) {
    const what = request.comments[0] ?? "";
    let status = "---";
    let problem = null;
    let shown = "";
    try {
      if (request.expect.length === 0) throw new Error('no "# expect <status>" comment');
      const url = substitute(request.url, variables, responses);
      const headers = new Headers();
      for (const [name, value] of request.headers) headers.append(name, substitute(value, variables, responses));
      let body = request.body === null ? undefined : substitute(request.body, variables, responses);
      if (body !== undefined && /multipart\//i.test(headers.get("content-type") ?? "")) body = body.replace(/\r?\n/g, "\r\n") + "\r\n";
      const response = await fetch(url, { method: request.method, headers, body, redirect: "manual" });
      const bytes = Buffer.from(await response.arrayBuffer());
      const text = bytes.toString("utf8");
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      status = String(response.status);
      if (response.status >= 500) problem = `server error: ${text.slice(0, 300)}`;
      else if (!request.expect.includes(response.status)) problem = `expected ${request.expect.join(" or ")}: ${text.slice(0, 300)}`;
      else if (request.name) responses[request.name] = { headers: response.headers, text, json };
      shown = /json|text|csv|html/i.test(response.headers.get("content-type") ?? "") ? text : `${bytes.length} bytes of ${response.headers.get("content-type")}`;
    } catch (error) {
      problem = error.cause ? `${error.message}: ${error.cause.code ?? error.cause.message}` : error.message;
    }
    const line = `${request.method} ${request.url}`;
    if (problem) {
      failed++;
      console.log(`  FAIL ${status} #${index + 1} ${line}  (${what})\n       ${problem.replace(/\s+/g, " ")}`);
    } else {
      passed++;
      console.log(`  ok   ${status} #${index + 1} ${line}  (${what})`);
      if (show && shown) console.log(`       ${shown.slice(0, 400).replace(/\s+/g, " ")}`);
    }
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
