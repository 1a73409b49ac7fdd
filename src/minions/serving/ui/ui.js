// The /ui page of `minions serve`: pick a task, a record (or type one) and models, generate, compare, mark.
// Plain DOM, no dependencies; every text from the server goes in through textContent.
"use strict";

const KEY_STORE = "minions-api-key";
const STORY_TASKS = ["user-story", "api-to-user-story"];
const TYPED = "typed";
const $ = (id) => document.getElementById(id);
let comparison = null; // the last /ui/api/compare answer

class HttpError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, body) {
  const headers = {};
  const key = sessionStorage.getItem(KEY_STORE);
  if (key) headers["Authorization"] = "Bearer " + key;
  const init = { headers };
  if (body !== undefined) {
    init.method = "POST";
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await fetch(path, init);
  const data = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const message = (data.error && data.error.message) || resp.statusText;
    throw new HttpError(resp.status, message);
  }
  return data;
}

function say(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

function askForKey(message) {
  $("main").hidden = true;
  $("key-panel").hidden = false;
  say(message, true);
  $("key").focus();
}

async function start() {
  const info = await api("/ui/api/info");
  $("forget-key").hidden = !info.auth;
  if (info.auth && !sessionStorage.getItem(KEY_STORE)) {
    askForKey("Enter an API key to use this server.");
    return;
  }
  try {
    const [models, records] = await Promise.all([api("/v1/models"), api("/ui/api/records")]);
    showModels(models.data.map((m) => m.id));
    await showTasks(records.tasks);
  } catch (e) {
    if (e.status === 401) {
      sessionStorage.removeItem(KEY_STORE);
      askForKey("That key was not accepted: " + e.message);
      return;
    }
    throw e;
  }
  $("key-panel").hidden = true;
  $("main").hidden = false;
  say("Ready.");
}

function showModels(ids) {
  const box = $("models");
  box.replaceChildren();
  for (const id of ids) {
    const label = el("label");
    const box_ = el("input");
    box_.type = "checkbox";
    box_.value = id;
    box_.name = "model";
    label.append(box_, " " + id);
    box.append(label);
  }
}

function showTasks(tasks) {
  const select = $("task");
  select.replaceChildren();
  const names = tasks.map((t) => t.task);
  for (const t of tasks) select.append(option(t.task, `${t.task} (${t.count} record${t.count === 1 ? "" : "s"})`));
  for (const t of [...STORY_TASKS, TYPED]) if (!names.includes(t)) select.append(option(t, t));
  $("record-label").hidden = tasks.length === 0;
  return taskChanged();
}

function option(value, text) {
  const o = el("option", text);
  o.value = value;
  return o;
}

async function taskChanged() {
  const select = $("record");
  select.replaceChildren(option("", "— type your own —"));
  const task = $("task").value;
  const found = await api("/ui/api/records?task=" + encodeURIComponent(task));
  for (const r of found.data) {
    const preview = r.input_preview ? " · " + r.input_preview : "";
    select.append(option(r.id, (r.instruction + preview).slice(0, 140)));
  }
  return recordChanged();
}

async function recordChanged() {
  const id = $("record").value;
  const typed = id === "";
  const wasRecord = $("instruction").readOnly;
  for (const name of ["instruction", "input"]) $(name).readOnly = !typed;
  if (typed) {
    if (wasRecord) {
      // leaving a record: its text goes; what the user typed stays
      $("instruction").value = "";
      $("input").value = "";
    }
    $("reference-box").hidden = true;
    return;
  }
  const r = await api("/ui/api/records/" + encodeURIComponent(id));
  $("instruction").value = r.instruction;
  $("input").value = r.input;
  $("reference").textContent = r.reference;
  $("reference-box").hidden = false;
}

async function generate() {
  const models = [...document.querySelectorAll("#models input:checked")].map((b) => b.value);
  if (models.length < 2) {
    say("Pick two or more models.", true);
    return;
  }
  const body = { models, max_tokens: Number($("max-tokens").value) || undefined };
  if ($("record").value) body.record_id = $("record").value;
  else Object.assign(body, { instruction: $("instruction").value, input: $("input").value, task: $("task").value });
  $("generate").disabled = true;
  say("Generating…");
  try {
    comparison = await api("/ui/api/compare", body);
    showOutputs(comparison);
    say(`Generated ${comparison.outputs.length} outputs in ${comparison.seconds} s.`);
  } catch (e) {
    handle(e);
  } finally {
    $("generate").disabled = false;
  }
}

function showOutputs(c) {
  const box = $("outputs");
  box.replaceChildren();
  for (const o of c.outputs) {
    const card = el("article", undefined, "output");
    card.dataset.model = o.model;
    card.append(el("h3", o.model));
    card.append(el("div", `${o.tokens} tokens · ${o.finish_reason}`, "meta"));
    card.append(el("pre", o.output || "(empty)"));
    const table = el("table", undefined, "scores");
    for (const [name, value] of Object.entries(o.scores)) {
      const row = el("tr");
      row.dataset.score = name;
      row.append(el("td", name.replace(/_/g, " ")), el("td", value.toFixed(3), "value"));
      table.append(row);
    }
    if (!Object.keys(o.scores).length) card.append(el("div", "no reference: no scores", "meta"));
    card.append(table);
    const choose = el("button", "This one is better", "choose");
    choose.type = "button";
    choose.addEventListener("click", () => mark({ chosen: o.model }));
    card.append(choose);
    box.append(card);
  }
  $("mark-status").textContent = "";
  $("results").hidden = false;
}

async function mark(choice) {
  try {
    const stored = await api("/ui/api/marks", { comparison: comparison.comparison, ...choice });
    for (const card of document.querySelectorAll(".output")) {
      card.classList.toggle("chosen", card.dataset.model === stored.chosen);
    }
    $("mark-status").className = "";
    $("mark-status").textContent = stored.tie ? "Marked: tie." : `Marked: ${stored.chosen} is better.`;
  } catch (e) {
    $("mark-status").className = "error";
    $("mark-status").textContent = e.message;
  }
}

function handle(e) {
  if (e.status === 401) {
    sessionStorage.removeItem(KEY_STORE);
    askForKey("Your key was not accepted: " + e.message);
  } else {
    say(e.message || String(e), true);
  }
}

function guard(fn) {
  return (...args) => fn(...args).catch(handle);
}

document.addEventListener("DOMContentLoaded", () => {
  $("key-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(KEY_STORE, $("key").value.trim());
    $("key").value = "";
    guard(start)();
  });
  $("forget-key").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORE);
    askForKey("Key forgotten. Enter an API key to use this server.");
  });
  $("task").addEventListener("change", guard(taskChanged));
  $("record").addEventListener("change", guard(recordChanged));
  $("generate").addEventListener("click", generate);
  $("tie").addEventListener("click", () => mark({ tie: true }));
  guard(start)();
});
