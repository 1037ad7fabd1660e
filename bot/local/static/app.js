// The local workspace page: polls /local/state and sends people's actions to /local/<action>.
"use strict";

(() => {
  const { el, blocks, file, avatar, mrkdwn, userName } = Blocks;
  const params = new URLSearchParams(location.search);
  const view = {
    user: params.get("user") || localStorage.getItem("papercast.user") || "U_REVIEWER",
    nav: "C_PAPERCAST",          // "C_PAPERCAST", "dm" or "home"
    thread: null,                // ts of the open thread
    rendered: "",                // fingerprint of what is on screen
    modalKey: "",
    state: null,
  };
  const $ = (id) => document.getElementById(id);
  const permalink = location.pathname.match(/^\/archives\/([^/]+)\/p(\d+)(\d{6})$/);
  if (permalink) {
    const ts = `${permalink[2]}.${permalink[3]}`;
    view.thread = new URLSearchParams(location.search).get("thread_ts") || ts;
  }

  function channel() { return view.nav === "dm" ? "D" + view.user.slice(1) : "C_PAPERCAST"; }

  async function post(action, body, isForm) {
    const init = { method: "POST" };
    if (isForm) init.body = body;
    else { init.body = JSON.stringify({ user: view.user, ...body }); init.headers = { "Content-Type": "application/json" }; }
    const r = await fetch(`/local/${action}`, init);
    const data = await r.json().catch(() => ({ ok: false, error: `HTTP ${r.status}` }));
    if (!data.ok && data.error) toast(data.error);
    setTimeout(refresh, 150);
    return data;
  }

  function toast(text) {
    const t = $("toast");
    t.textContent = text;
    t.classList.remove("hidden");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => t.classList.add("hidden"), 4000);
  }

  Blocks.configure({
    onAction: async (ctx, e, value, node) => {
      if (node && node.tagName === "BUTTON") node.disabled = true;
      const action = e.type === "button" ? "click" : "select";
      const body = { action_id: e.action_id, value };
      if (ctx.viewId) body.view_id = ctx.viewId; else { body.ts = ctx.ts; body.channel = ctx.channel; }
      const result = await post(action, body);
      if (node && node.tagName === "BUTTON") node.disabled = false;
      if (result.ok && result.acked === false) toast("The app did not respond in time.");
    },
  });

  function time(ts) {
    return new Date(parseFloat(ts) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function message(m, opts) {
    const ctx = { where: "message", ts: m.ts, channel: m.channel || channel() };
    const author = m.user || m.bot_id;
    const content = el("div", { class: "content" }, [
      el("div", { class: "meta" }, [
        el("span", { class: "author", text: userName(author) }),
        m.bot_id ? el("span", { class: "app-badge", text: "APP" }) : null,
        el("span", { class: "time", text: time(m.ts) }),
        m.edited ? el("span", { class: "time", text: "(edited)" }) : null,
        m.is_ephemeral ? el("span", { class: "only-you", "data-testid": "only-visible-to-you", text: "Only visible to you" }) : null,
      ]),
      m.blocks && m.blocks.length ? blocks(m.blocks, ctx) : (m.text ? el("div", { class: "text", html: mrkdwn(m.text) }) : null),
      m.blocks && m.blocks.length && m.files && m.text ? el("div", { class: "text", html: mrkdwn(m.text) }) : null,
      ...(m.files || []).map(file),
      m.reactions ? el("div", { class: "reactions" }, m.reactions.map((r) => el("span", { class: "reaction", text: `:${r.name}: ${r.count}` }))) : null,
      opts.inThread || !m.reply_count ? null : el("button", {
        class: "replies", type: "button", "data-testid": `open-thread-${m.ts}`, text: `${m.reply_count} ${m.reply_count === 1 ? "reply" : "replies"}`,
        onclick: (ev) => { ev.stopPropagation(); openThread(m.ts); } }),
      m.is_ephemeral ? el("button", { class: "replies", type: "button", "data-testid": `dismiss-${m.ts}`, text: "Dismiss",
        onclick: (ev) => { ev.stopPropagation(); post("dismiss", { ts: m.ts }); } }) : null,
    ]);
    const node = el("div", { class: "message" + (m.is_ephemeral ? " ephemeral" : ""), "data-testid": `message-${m.ts}`,
                             "data-ts": m.ts, "data-user": m.user || "" }, [avatar(author), content]);
    if (!opts.inThread && !m.is_ephemeral) node.addEventListener("click", () => openThread(m.ts));
    return node;
  }

  function openThread(ts) { view.thread = ts; view.rendered = ""; refresh(); }

  function renderMessages(s) {
    const list = $("messages");
    const stick = list.scrollTop + list.clientHeight >= list.scrollHeight - 40;
    list.replaceChildren();
    const items = [...s.messages, ...s.ephemerals.filter((m) => !m.thread_ts)].sort((a, b) => parseFloat(a.ts) - parseFloat(b.ts));
    if (!items.length) list.appendChild(el("div", { class: "empty", text: "No messages yet. Drop a PDF below to start an episode." }));
    for (const m of items) list.appendChild(message(m, {}));
    if (stick) list.scrollTop = list.scrollHeight;

    const panel = $("thread");
    panel.classList.toggle("hidden", !view.thread || !s.thread.length);
    const tlist = $("thread-messages");
    tlist.replaceChildren();
    if (view.thread && s.thread.length) {
      const [parent, ...replies] = s.thread;
      tlist.appendChild(message(parent, { inThread: true }));
      tlist.appendChild(el("div", { class: "reply-divider", text: `${replies.length} ${replies.length === 1 ? "reply" : "replies"}` }));
      const eph = s.ephemerals.filter((m) => m.thread_ts === view.thread);
      for (const m of [...replies, ...eph].sort((a, b) => parseFloat(a.ts) - parseFloat(b.ts))) tlist.appendChild(message(m, { inThread: true }));
      tlist.scrollTop = tlist.scrollHeight;
    }
  }

  function renderHome(s) {
    const home = $("home");
    home.replaceChildren();
    if (!s.home) home.appendChild(el("div", { class: "empty", text: "The app has not published a Home view for you yet." }));
    else home.appendChild(blocks(s.home.blocks, { where: "view", viewId: s.home.id }));
  }

  function renderModal(s) {
    const backdrop = $("modal-backdrop");
    const m = s.modal;
    const key = m ? `${m.id}:${m.hash}:${JSON.stringify(s.modal_errors)}` : "";
    if (key === view.modalKey) return;
    const typed = collectValues();  // keep what the person typed across re-renders of the same view
    view.modalKey = key;
    backdrop.classList.toggle("hidden", !m);
    const form = $("modal");
    form.replaceChildren();
    if (!m) return;
    form.dataset.viewId = m.id;
    form.append(
      el("div", { class: "modal-title" }, [el("span", { "data-testid": "modal-title", text: m.title && m.title.text }),
        el("button", { type: "button", class: "icon-btn", "data-testid": "modal-x", text: "✕", onclick: closeModal })]),
      el("div", { class: "modal-body" }, [blocks(m.blocks, { where: "view", viewId: m.id }, s.modal_errors),
        s.modal_errors && s.modal_errors[""] ? el("div", { class: "field-error", text: s.modal_errors[""] }) : null]),
      el("div", { class: "modal-footer" }, [
        el("button", { type: "button", class: "btn", "data-testid": "modal-close", text: (m.close && m.close.text) || "Cancel", onclick: closeModal }),
        m.submit ? el("button", { type: "submit", class: "btn primary", "data-testid": "modal-submit", text: m.submit.text }) : null]));
    for (const [key2, value] of Object.entries(typed)) {
      const node = form.querySelector(`[data-block-id="${CSS.escape(key2.split(".")[0])}"] .el`);
      if (node && value) node.value = value;
    }
  }

  function collectValues() {
    const values = {};
    for (const b of $("modal").querySelectorAll(".input-block")) {
      const node = b.querySelector(".el");
      const testid = node && node.getAttribute("data-testid");
      if (!testid) continue;
      values[`${b.dataset.blockId}.${testid.replace(/^(input|action)-/, "")}`] = node.value || null;
    }
    return values;
  }

  function closeModal() { post("close", { view_id: $("modal").dataset.viewId }); }

  $("modal").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = $("modal").querySelector("[data-testid=modal-submit]");
    if (button) button.disabled = true;
    const result = await post("submit", { view_id: $("modal").dataset.viewId, values: collectValues() });
    if (button) button.disabled = false;
    if (result.ok && result.acked === false) toast("The app did not respond. Try again.");
  });

  function renderChrome(s) {
    const sw = $("user-switcher");
    if (!sw.options.length) {
      for (const id of s.humans) sw.appendChild(el("option", { value: id, text: s.users[id].real_name }));
    }
    sw.value = view.user;
    for (const a of document.querySelectorAll(".nav-item")) a.classList.toggle("active", a.dataset.nav === view.nav);
    const isHome = view.nav === "home";
    $("home").classList.toggle("hidden", !isHome);
    $("messages").classList.toggle("hidden", isHome);
    $("composer").classList.toggle("hidden", isHome);
    $("channel-title").textContent = isHome ? "papercast · Home" : view.nav === "dm" ? "papercast · Messages" : "# papercast";
    const site = $("website-link");  // the embedded local website's show page, when it runs
    site.classList.toggle("hidden", !s.website_url);
    if (s.website_url) site.href = s.website_url;
    const status = document.querySelector(".bot-status");
    status.classList.toggle("ok", s.bot_connected);
    const d = s.last_delivery;
    const parts = [el("span", { class: "dot" }), s.bot_connected ? "App connected" : "No app Request URL set"];
    if (d) parts.push(el("div", { class: "last-delivery", text: `last ${d.kind}: ${d.status || d.error} (${Math.round(d.latency * 1000)} ms)` }));
    status.replaceChildren(...parts);
  }

  async function refresh() {
    const q = new URLSearchParams({ user: view.user, channel: channel() });
    if (view.thread) q.set("thread", view.thread);
    let s;
    try { s = await (await fetch(`/local/state?${q}`)).json(); } catch { return; }
    if (s.me !== view.user || s.channel !== channel()) return;  // an answer to an older question
    view.state = s;
    Blocks.configure({ users: s.users });
    renderChrome(s);
    const fp = `${s.version}|${view.user}|${view.nav}|${view.thread}`;
    if (fp !== view.rendered) {
      view.rendered = fp;
      renderMessages(s);
      renderHome(s);
    }
    renderModal(s);
  }

  function emptyFile(f) {
    return `${f.name} is empty (0 bytes), so there is nothing to upload. Pick the file again; the copy may not have finished downloading.`;
  }

  async function upload(f, text, threadTs) {
    if (!f.size) { toast(emptyFile(f)); return false; }
    const form = new FormData();
    form.append("user", view.user);
    form.append("text", text);
    form.append("channel", channel());
    form.append("filename", f.name);
    if (threadTs) form.append("thread_ts", threadTs);
    form.append("file", f, f.name);
    return (await post("upload", form, true)).ok;
  }

  async function send(textNode, fileNode, threadTs) {
    const text = textNode.value.trim();
    const f = fileNode.files[0];
    if (!text && !f) return;
    if (f) {
      if (!(await upload(f, text, threadTs))) return;
    } else if (text.startsWith("/papercast")) {
      await post("slash", { text: text.replace(/^\/papercast\s*/, ""), channel: channel() });
    } else {
      await post("post", { text, channel: channel(), thread_ts: threadTs });
    }
    textNode.value = "";
    fileNode.value = "";
    fileNode.dispatchEvent(new Event("change"));
  }

  $("composer").addEventListener("submit", (ev) => { ev.preventDefault(); send($("composer-text"), $("composer-file"), null); });
  $("thread-composer").addEventListener("submit", (ev) => { ev.preventDefault(); send($("thread-text"), $("thread-file"), view.thread); });
  for (const [input, label, fallback] of [["composer-file", "file-name", "Attach a PDF"], ["thread-file", "thread-file-name", "Attach"]]) {
    $(input).addEventListener("change", () => { $(label).textContent = $(input).files[0] ? $(input).files[0].name : fallback; });
  }
  for (const id of ["composer-text", "thread-text"]) {
    $(id).addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $(id).form.requestSubmit(); }
    });
  }
  // Drag and drop: a file dropped on the channel (or the open thread) is uploaded there, with the composer's text.
  // Everywhere else the browser's default (opening the file in the tab) is stopped.
  let dragDepth = 0;
  const overlay = $("drop-overlay");
  const dropTarget = (ev) => (ev.target.closest && ev.target.closest("#thread") ? "thread" : "channel");
  window.addEventListener("dragenter", (ev) => {
    if (![...(ev.dataTransfer ? ev.dataTransfer.types : [])].includes("Files")) return;
    dragDepth += 1;
    if (view.nav !== "home") {
      overlay.textContent = dropTarget(ev) === "thread" && view.thread ? "Drop to share in the thread" : `Drop to share in ${$("channel-title").textContent}`;
      overlay.classList.remove("hidden");
    }
  });
  window.addEventListener("dragleave", () => { dragDepth = Math.max(0, dragDepth - 1); if (!dragDepth) overlay.classList.add("hidden"); });
  window.addEventListener("dragover", (ev) => { ev.preventDefault(); if (ev.dataTransfer) ev.dataTransfer.dropEffect = view.nav === "home" ? "none" : "copy"; });
  window.addEventListener("drop", async (ev) => {
    ev.preventDefault();
    dragDepth = 0;
    overlay.classList.add("hidden");
    const f = ev.dataTransfer && ev.dataTransfer.files[0];
    if (!f || view.nav === "home") return;
    const inThread = dropTarget(ev) === "thread" && view.thread;
    const textNode = inThread ? $("thread-text") : $("composer-text");
    if (await upload(f, textNode.value.trim(), inThread ? view.thread : null)) textNode.value = "";
  });

  $("thread-close").addEventListener("click", () => { view.thread = null; view.rendered = ""; refresh(); });
  $("user-switcher").addEventListener("change", (ev) => {
    view.user = ev.target.value;
    localStorage.setItem("papercast.user", view.user);
    view.rendered = ""; view.modalKey = "";
    if (view.nav === "home") post("home", {});
    refresh();
  });
  for (const a of document.querySelectorAll(".nav-item[data-nav]")) {  // not the website link: it opens the site
    a.addEventListener("click", (ev) => {
      ev.preventDefault();
      view.nav = a.dataset.nav; view.thread = null; view.rendered = "";
      if (view.nav === "home") post("home", {});
      refresh();
    });
  }

  refresh();
  setInterval(refresh, 1000);
})();
