// The radiology advisor's web chat. No framework, no build step, nothing from elsewhere.
// Every text from a person or from the knowledge goes into the page with textContent (the
// Content-Security-Policy's Trusted Types make any assignment of markup strings throw).
"use strict";

(function () {
  const SESSION_KEY = "radiology-advisor.session";
  const REPLIES_KEY = "radiology-advisor.replies.";
  const KEEP_REPLIES = 60;
  const LIST_LINE = /^\s*(?:[-•*]\s+|(\d+)\.\s+)(.*)$/;
  const OPTION_LINE = /^\s+\d+\.\s/;

  const $ = (id) => document.getElementById(id);
  const log = $("log");
  const form = $("ask");
  const input = $("question");
  const send = $("send");
  const live = $("live");
  const alertBox = $("alert");
  const thinking = $("thinking");

  let sessionId = null;
  let busy = false;
  let starters = [];

  // -- small DOM helpers (text only) -----------------------------------------------------
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function strings(value) {
    return Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
  }

  // -- storage that may be unavailable (private windows, disabled storage) ---------------
  const store = {
    get(key) {
      try { return window.localStorage.getItem(key); } catch (e) { return null; }
    },
    set(key, value) {
      try { window.localStorage.setItem(key, value); } catch (e) { /* kept in memory only */ }
    },
    remove(key) {
      try { window.localStorage.removeItem(key); } catch (e) { /* nothing to remove */ }
    },
  };

  function cachedReplies(id) {
    try {
      const list = JSON.parse(store.get(REPLIES_KEY + id) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }

  function cacheReply(id, reply) {
    const list = cachedReplies(id);
    list.push(reply);
    store.set(REPLIES_KEY + id, JSON.stringify(list.slice(-KEEP_REPLIES)));
  }

  // -- the API ---------------------------------------------------------------------------
  async function api(method, path, body) {
    const options = { method, headers: {} };
    if (body !== undefined) {
      options.headers["content-type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = null;
    if (response.status !== 204) {
      try { data = await response.json(); } catch (e) { data = null; }
    }
    return { status: response.status, ok: response.ok, data };
  }

  function showError(message) {
    alertBox.textContent = message;
    alertBox.hidden = false;
  }

  function clearError() {
    alertBox.hidden = true;
    alertBox.textContent = "";
  }

  function setSession(id) {
    sessionId = id;
    store.set(SESSION_KEY, id);
    $("plan").href = "/api/sessions/" + encodeURIComponent(id) + "/plan.md";
    $("transcript").href = "/api/sessions/" + encodeURIComponent(id) + "/transcript.md";
  }

  async function newSession() {
    const result = await api("POST", "/api/sessions");
    if (!result.ok || !result.data || typeof result.data.id !== "string") {
      throw new Error(errorText(result));
    }
    starters = strings(result.data.suggestions);
    setSession(result.data.id);
  }

  function errorText(result) {
    if (result.data && typeof result.data.error === "string") return result.data.error;
    return "The server did not answer (status " + result.status + "). Please try again.";
  }

  // -- rendering the answer text: paragraphs and lists -----------------------------------
  function renderText(container, text) {
    const blocks = String(text).split(/\n\s*\n/);
    for (const block of blocks) {
      let list = null;
      let item = null;
      for (const line of block.split("\n")) {
        if (!line.trim()) continue;
        const match = LIST_LINE.exec(line);
        if (match) {
          const ordered = match[1] !== undefined;
          const tag = ordered ? "OL" : "UL";
          if (!list || list.tagName !== tag) {
            list = el(tag.toLowerCase());
            container.append(list);
          }
          item = el("li", null, match[2]);
          if (ordered) item.value = Number(match[1]);
          list.append(item);
        } else if (item && /^\s+/.test(line)) {
          item.append(el("p", "sub", line.trim()));
        } else {
          list = null;
          item = null;
          container.append(el("p", null, line));
        }
      }
    }
  }

  // The lines before the first list line: what a structured view (a table, a ranking) leaves
  // of the text, which is then offered whole under "Read as text".
  function lead(text) {
    const out = [];
    for (const line of String(text).split("\n")) {
      if (LIST_LINE.test(line)) break;
      out.push(line);
    }
    return out.join("\n").trim();
  }

  function withoutOptions(text) {
    const lines = String(text).split("\n");
    while (lines.length && (OPTION_LINE.test(lines[lines.length - 1]) ||
                            !lines[lines.length - 1].trim())) {
      lines.pop();
    }
    return lines.join("\n");
  }

  function asText(container, text) {
    const details = el("details", "as-text-box");
    details.append(el("summary", null, "Read as text"));
    details.append(el("p", "as-text", text));
    container.append(details);
  }

  // -- structured parts ------------------------------------------------------------------
  function renderTable(container, rows) {
    if (!Array.isArray(rows) || rows.length < 2) return false;
    const wrap = el("div", "table-wrap");
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "Comparison table");
    const table = el("table");
    const head = el("thead");
    const headRow = el("tr");
    for (const cell of rows[0]) {
      const th = el("th", null, cell);
      th.scope = "col";
      headRow.append(th);
    }
    head.append(headRow);
    const body = el("tbody");
    for (const row of rows.slice(1)) {
      const tr = el("tr");
      row.forEach((cell, i) => {
        const node = el(i === 0 ? "th" : "td", null, cell);
        if (i === 0) node.scope = "row";
        tr.append(node);
      });
      body.append(tr);
    }
    table.append(head, body);
    wrap.append(table);
    container.append(wrap);
    return true;
  }

  // Steps in order on a timeline where the knowledge states the order; otherwise a plain
  // list that says no order is stated (the document often lists steps side by side).
  function renderPathway(container, path, title) {
    if (!path || !Array.isArray(path.steps) || !path.steps.length) return;
    const name = path.target && path.target.name ? path.target.name : "";
    const box = el("div", "pathway");
    box.append(el("h3", null, title || "Pathway to " + name));
    const list = el(path.ordered ? "ol" : "ul", path.ordered ? "timeline" : "steps");
    list.setAttribute("aria-label", "Steps to " + name);
    for (const step of path.steps) {
      const li = el("li");
      li.append(el("span", "step-name", step.label || step.name));
      if (step.duration) li.append(el("span", "step-length", " — " + step.duration));
      list.append(li);
    }
    box.append(list);
    if (!path.ordered) box.append(el("p", "sub", "The document lists these steps without saying in which order they come."));
    if (path.total) box.append(el("p", "total", "The stated lengths add up to " + path.total + "."));
    const unstated = strings(path.unstated);
    if (unstated.length) box.append(el("p", "sub", "No length stated for: " + unstated.join(", ")));
    container.append(box);
  }

  function reasonList(label, items, className) {
    const list = el("ul", "reasons " + className);
    for (const text of items) list.append(el("li", null, label + text));
    return list;
  }

  function renderFit(fit, rank) {
    const li = el("li", "fit");
    const head = el("div", "fit-head");
    head.append(el("span", "fit-name", rank + ". " + fit.name));
    const score = Math.max(0, Math.min(100, Number(fit.fit) || 0));
    head.append(el("span", "fit-score", "fit " + score + "%"));
    li.append(head);
    const bar = el("div", "fitbar");
    bar.setAttribute("aria-hidden", "true");
    const fill = el("div", "fitbar-fill");
    fill.style.width = score + "%"; // CSSOM, which the policy allows; no style attribute
    bar.append(fill);
    li.append(bar);
    const why = strings(fit.reasons);
    const against = strings(fit.against);
    if (why.length) li.append(reasonList("why: ", why, "why"));
    if (against.length) li.append(reasonList("against: ", against, "against"));
    return li;
  }

  function renderRanking(container, ranking) {
    container.append(el("h3", null, "How the careers fit you"));
    const list = el("ol", "ranking");
    (Array.isArray(ranking.fits) ? ranking.fits : []).forEach((fit, i) => {
      list.append(renderFit(fit, i + 1));
    });
    container.append(list);
    const out = Array.isArray(ranking.ruled_out) ? ranking.ruled_out : [];
    if (out.length) {
      // One line per reason: "needs medical school, which you ruled out: A, B, C".
      const byReason = new Map();
      for (const item of out) {
        const why = strings(item.why).join("; ");
        if (!byReason.has(why)) byReason.set(why, []);
        byReason.get(why).push(item.name);
      }
      container.append(el("h3", null, "Ruled out"));
      const ul = el("ul", "ruled-out");
      for (const [why, names] of byReason) ul.append(el("li", null, (why ? why + ": " : "") + names.join(", ")));
      container.append(ul);
    }
    const top = ranking.top;
    if (top) {
      if (top.pathway) renderPathway(container, top.pathway, "Top pick: " + top.name);
      const creds = strings(top.credentials);
      if (creds.length) container.append(el("p", null, "Credential: " + creds.join(", ")));
      const steps = strings(top.next_steps);
      if (steps.length) {
        container.append(el("h3", null, "Next steps"));
        const ul = el("ul");
        for (const step of steps) ul.append(el("li", null, step));
        container.append(ul);
      }
    }
  }

  function renderExplain(container, explain) {
    if (!explain || typeof explain !== "object") return;
    const details = el("details", "explain");
    details.append(el("summary", null, "Why this answer?"));
    const dl = el("dl");
    const row = (term, value) => {
      if (value === undefined || value === null || value === "") return;
      dl.append(el("dt", null, term), el("dd", null, value));
    };
    row("intent", explain.intent + (typeof explain.score === "number" ? " (score " + explain.score.toFixed(2) + ")" : ""));
    row("cues matched", strings(explain.cues).join(", "));
    if (explain.example) row("closest example", explain.example);
    for (const entity of Array.isArray(explain.entities) ? explain.entities : []) {
      if (Array.isArray(entity)) row("entity", entity[0] + " from “" + entity[1] + "” (" + entity[2] + ")");
    }
    for (const fix of Array.isArray(explain.corrections) ? explain.corrections : []) {
      if (Array.isArray(fix)) row("typo corrected", fix[0] + " → " + fix[1]);
    }
    for (const item of strings(explain.context)) row("context used", item);
    for (const note of strings(explain.notes)) row("note", note);
    details.append(dl);
    container.append(details);
  }

  // A source as the fidelity layer gives it ({section, quote, line}, or a file and line).
  function sourceText(source) {
    if (typeof source === "string") return source;
    if (!source || typeof source !== "object") return String(source);
    const parts = [];
    for (const key of ["title", "section", "heading"]) {
      if (typeof source[key] === "string" && source[key]) parts.push(source[key]);
    }
    for (const key of ["quote", "text"]) {
      if (typeof source[key] === "string" && source[key]) parts.push("“" + source[key] + "”");
    }
    const file = source.file || source.path;
    if (file) parts.push(file + (source.line ? ":" + source.line : ""));
    else if (source.line) parts.push("line " + source.line);
    return parts.length ? parts.join(" — ") : JSON.stringify(source);
  }

  function renderSources(container, sources) {
    if (!Array.isArray(sources) || !sources.length) return;
    const details = el("details", "sources");
    details.append(el("summary", null, "Sources (" + sources.length + ")"));
    const ul = el("ul");
    for (const source of sources) ul.append(el("li", null, sourceText(source)));
    details.append(ul);
    container.append(details);
  }

  function buttons(className, label, items, kind) {
    const group = el("div", className);
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", label);
    items.forEach((text, i) => {
      const button = el("button", kind, kind === "option" ? (i + 1) + ". " + text : text);
      button.type = "button";
      button.dataset.say = text;
      group.append(button);
    });
    return group;
  }

  // The reply's body: its structure when it has one, else its text as paragraphs and lists.
  function renderBody(box, reply) {
    const answer = typeof reply.answer === "string" ? reply.answer : "";
    const options = strings(reply.options);
    if (Array.isArray(reply.progress) && reply.progress.length === 2) {
      box.append(el("p", "progress", "Question " + reply.progress[0] + " of about " + reply.progress[1]));
    }
    if (reply.ranking && typeof reply.ranking === "object") {
      const first = lead(answer);
      if (first) renderText(box, first);
      renderRanking(box, reply.ranking);
      asText(box, answer);
    } else if (Array.isArray(reply.table) && reply.table.length > 1) {
      const first = lead(answer);
      if (first) renderText(box, first);
      renderTable(box, reply.table);
      asText(box, answer);
    } else {
      renderText(box, options.length ? withoutOptions(answer) : answer);
      // A timeline unless the text already lists the steps.
      const listed = answer.split("\n").filter((line) => LIST_LINE.test(line)).length;
      if (reply.pathway && listed < 2) renderPathway(box, reply.pathway);
    }
    renderSources(box, reply.sources);
    renderExplain(box, reply.explain);
  }

  function renderTurn(question, reply, latest) {
    const li = el("li", "turn");
    if (question) {
      const you = el("p", "you", question);
      you.prepend(el("span", "visually-hidden", "You: "));
      li.append(you);
    }
    const box = el("article", "reply" + (reply.fallback ? " fallback" : ""));
    box.setAttribute("aria-label", "Advisor");
    if (typeof reply.answer === "string" && reply.kind !== undefined) {
      renderBody(box, reply);
    } else {
      renderText(box, reply.answer || "");
    }
    const options = strings(reply.options);
    if (latest && options.length) box.append(buttons("options", "Answers", options, "option"));
    const chips = strings(reply.suggestions);
    if (latest && chips.length) box.append(buttons("chips", "Suggested questions", chips, "chip"));
    li.append(box);
    log.append(li);
    return li;
  }

  function retireButtons() {
    for (const group of log.querySelectorAll(".options, .chips")) group.remove();
  }

  function announce(text) {
    live.textContent = "";
    window.setTimeout(() => { live.textContent = text; }, 50);
  }

  function welcome() {
    const text = "Hello! Ask me about careers in radiology, or say “help me choose a career”.";
    renderTurn(null, { answer: text, suggestions: starters }, true);
  }

  // -- sending ---------------------------------------------------------------------------
  function setBusy(value) {
    busy = value;
    send.disabled = value;
    thinking.hidden = !value;
    form.setAttribute("aria-busy", value ? "true" : "false");
  }

  async function ask(text, retried) {
    if (busy || !text.trim()) return;
    clearError();
    setBusy(true);
    try {
      if (!sessionId) await newSession();
      const result = await api("POST", "/api/sessions/" + encodeURIComponent(sessionId) + "/messages", { text, explain: true });
      if (result.status === 404 && !retried) {
        // The conversation expired on the server: go on in a new one.
        await newSession();
        setBusy(false);
        return ask(text, true);
      }
      if (!result.ok || !result.data) {
        showError(errorText(result));
        return;
      }
      retireButtons();
      cacheReply(sessionId, result.data);
      renderTurn(text, result.data, true);
      input.value = "";
      announce(result.data.answer || "");
      log.lastElementChild.scrollIntoView({ block: "nearest" });
    } catch (e) {
      showError("The advisor could not be reached. Check the connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    ask(input.value);
  });

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ask(input.value);
    }
  });

  log.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-say]");
    if (!button || busy) return;
    input.focus(); // the button is about to be removed: keep the focus in a useful place
    ask(button.dataset.say);
  });

  $("restart").addEventListener("click", async () => {
    if (busy) return;
    clearError();
    const old = sessionId;
    sessionId = null;
    if (old) {
      store.remove(REPLIES_KEY + old);
      api("DELETE", "/api/sessions/" + encodeURIComponent(old)).catch(() => {});
    }
    log.replaceChildren();
    try {
      await newSession();
      welcome();
      announce("Started a new conversation.");
    } catch (e) {
      showError(e.message);
    }
    input.focus();
  });

  // -- resuming after a reload -----------------------------------------------------------
  async function resume(id) {
    const result = await api("GET", "/api/sessions/" + encodeURIComponent(id));
    if (!result.ok || !result.data || !Array.isArray(result.data.transcript)) return false;
    setSession(id);
    const turns = result.data.transcript;
    const cached = cachedReplies(id);
    // The cache holds the last replies in full; match them to the transcript's last turns.
    const offset = turns.length - cached.length;
    turns.forEach((turn, i) => {
      const reply = i >= offset ? cached[i - offset] : null;
      const same = reply && reply.question === turn.question && reply.answer === turn.answer;
      renderTurn(turn.question, same ? reply : { answer: turn.answer }, i === turns.length - 1);
    });
    if (!turns.length) welcome();
    return true;
  }

  async function start() {
    const saved = store.get(SESSION_KEY);
    try {
      if (saved && await resume(saved)) return;
      if (saved) store.remove(REPLIES_KEY + saved);
      await newSession();
      welcome();
    } catch (e) {
      showError("The advisor could not be reached. Reload the page to try again.");
    }
  }

  start();
})();
