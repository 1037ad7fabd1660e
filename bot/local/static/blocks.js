// Block Kit and mrkdwn rendering for the local workspace page.
// Everything is built with DOM nodes or escaped HTML: message text is never trusted.
"use strict";

const Blocks = (() => {
  let users = {};
  let onAction = () => {};
  // Slack short names the bot (and people) use, as Unicode; an unknown one stays as typed, like in Slack.
  const EMOJI = { headphones: "🎧", white_check_mark: "✅", heavy_check_mark: "✔️", warning: "⚠️", x: "❌", rocket: "🚀",
    tada: "🎉", hourglass: "⌛", hourglass_flowing_sand: "⏳", microphone: "🎤", page_facing_up: "📄", memo: "📝",
    eyes: "👀", bell: "🔔", link: "🔗", package: "📦", red_circle: "🔴", large_green_circle: "🟢", construction: "🚧",
    thumbsup: "👍", "+1": "👍", thumbsdown: "👎", "-1": "👎", zzz: "💤", mag: "🔍", arrows_counterclockwise: "🔄",
    studio_microphone: "🎙️", pencil2: "✏️", pencil: "📝", repeat: "🔁", wrench: "🔧", hammer_and_wrench: "🛠️",
    white_circle: "⚪", large_orange_circle: "🟠", large_blue_circle: "🔵", large_yellow_circle: "🟡",
    speaking_head_in_silhouette: "🗣️", speaking_head: "🗣️", raised_hands: "🙌", no_entry: "⛔", no_entry_sign: "🚫",
    information_source: "ℹ️", handshake: "🤝", hand: "✋", raised_hand: "✋", inbox_tray: "📥", outbox_tray: "📤",
    recycle: "♻️", globe_with_meridians: "🌐", earth_africa: "🌍", loudspeaker: "📢", mega: "📣", sound: "🔉",
    clock1: "🕐", alarm_clock: "⏰", calendar: "📆", bulb: "💡", question: "❓", exclamation: "❗",
    heavy_exclamation_mark: "❗", heavy_multiplication_x: "✖️", heavy_minus_sign: "➖", heavy_plus_sign: "➕",
    lock: "🔒", unlock: "🔓", key: "🔑", scroll: "📜", books: "📚", book: "📖", bookmark_tabs: "📑",
    clipboard: "📋", pushpin: "📌", paperclip: "📎", file_folder: "📁", open_file_folder: "📂", card_index: "📇",
    chart_with_upwards_trend: "📈", bar_chart: "📊", gear: "⚙️", robot_face: "🤖", sparkles: "✨", fire: "🔥",
    star: "⭐", ok_hand: "👌", wave: "👋", pray: "🙏", muscle: "💪", point_right: "👉", point_up: "☝️",
    arrow_right: "➡️", arrow_left: "⬅️", arrows_clockwise: "🔃", leftwards_arrow_with_hook: "↩️", rewind: "⏪",
    fast_forward: "⏩", pause_button: "⏸️", stop_button: "⏹️", arrow_forward: "▶️", satellite: "📡",
    dart: "🎯", test_tube: "🧪", microscope: "🔬", wastebasket: "🗑️", broken_heart: "💔", hourglass_done: "⌛",
    stopwatch: "⏱️", rotating_light: "🚨", radio: "📻", notes: "🎶", musical_note: "🎵", headphone: "🎧",
    slightly_smiling_face: "🙂", smile: "😄", thinking_face: "🤔", see_no_evil: "🙈", new: "🆕", ok: "🆗",
    sos: "🆘", heavy_check: "✔️", ballot_box_with_check: "☑️", white_large_square: "⬜", black_large_square: "⬛",
    large_red_square: "🟥", large_green_square: "🟩", large_yellow_square: "🟨", large_orange_diamond: "🔶",
    small_orange_diamond: "🔸", small_blue_diamond: "🔹", triangular_flag_on_post: "🚩", checkered_flag: "🏁" };
  const COLORS = ["#e8912d", "#2bac76", "#1264a3", "#e01e5a", "#7c3085"];

  function configure(opts) { users = opts.users || users; onAction = opts.onAction || onAction; }

  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function unslack(s) { return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"); }
  function userName(id) { return users[id] ? users[id].real_name : id; }
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k === "html") node.innerHTML = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of [].concat(children || [])) if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    return node;
  }

  // Slack mrkdwn: *bold*, _italic_, ~strike~, `code`, ```pre```, <url|text>, <@U…>, <#C…|name>, <!here>, newlines.
  function mrkdwn(raw) {
    const keep = [];
    const hold = (html) => `\u0000${keep.push(html) - 1}\u0000`;
    let s = String(raw || "");
    s = s.replace(/```([\s\S]*?)```/g, (_, code) => hold(`<pre>${esc(unslack(code))}</pre>`));
    s = s.replace(/`([^`\n]+)`/g, (_, code) => hold(`<code>${esc(unslack(code))}</code>`));
    s = s.replace(/<([^<>\n]+)>/g, (_, inner) => {
      const [target, label] = inner.split("|", 2);
      if (target.startsWith("@")) return hold(`<span class="mention">@${esc(userName(target.slice(1)))}</span>`);
      if (target.startsWith("#")) return hold(`<span class="mention">#${esc(label || target.slice(1))}</span>`);
      if (target.startsWith("!")) return hold(`<span class="mention">@${esc(label || target.slice(1).split("^")[0])}</span>`);
      if (/^(https?:|mailto:|\/)/.test(target)) {
        return hold(`<a href="${esc(unslack(target))}" target="_blank" rel="noopener">${esc(unslack(label || target))}</a>`);
      }
      return hold(esc(`<${inner}>`));
    });
    s = esc(unslack(s));
    s = s.replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,!?:;])/g, "$1<b>$2</b>");
    s = s.replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,!?:;])/g, "$1<i>$2</i>");
    s = s.replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,!?:;])/g, "$1<s>$2</s>");
    s = s.replace(/^&gt; ?(.*)$/gm, "<blockquote>$1</blockquote>");
    s = s.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
    s = s.replace(/\n/g, "<br>");
    return s.replace(/\u0000(\d+)\u0000/g, (_, i) => keep[Number(i)]);
  }

  function textObj(t) {
    if (!t) return el("span");
    if (t.type === "mrkdwn") return el("span", { class: "text", html: mrkdwn(t.text) });
    return el("span", { class: "text", text: t.text });
  }

  function options(element) {
    const all = [...(element.options || [])];
    for (const g of element.option_groups || []) all.push(...(g.options || []));
    return all;
  }

  // An interactive element. ctx: {where: "message"|"view"|"modal", ts, channel, viewId}
  function element(e, ctx) {
    const id = e.action_id;
    const fire = (value, node) => { onAction(ctx, e, value, node); };
    if (e.type === "button") {
      const cls = "btn" + (e.style === "primary" ? " primary" : e.style === "danger" ? " danger" : "");
      const b = el("button", { type: "button", class: cls, "data-testid": `action-${id}`, text: e.text && e.text.text });
      if (e.url) b.addEventListener("click", (ev) => { ev.stopPropagation(); window.open(e.url, "_blank"); });
      b.addEventListener("click", (ev) => { ev.stopPropagation(); fire(e.value, b); });
      return b;
    }
    if (e.type === "static_select" || e.type === "users_select" || e.type === "radio_buttons") {
      const s = el("select", { class: "el", "data-testid": `action-${id}` });
      s.appendChild(el("option", { value: "", text: (e.placeholder && e.placeholder.text) || "Select…" }));
      const choices = e.type === "users_select"
        ? Object.values(users).filter((u) => !u.is_bot).map((u) => [u.id, u.real_name])
        : options(e).map((o) => [o.value, o.text.text]);
      const initial = e.initial_user || (e.initial_option && e.initial_option.value);
      for (const [v, label] of choices) s.appendChild(el("option", { value: v, text: label, selected: v === initial ? "selected" : null }));
      s.addEventListener("click", (ev) => ev.stopPropagation());
      if (ctx.where !== "modal") s.addEventListener("change", () => { if (s.value) fire(s.value, s); });
      return s;
    }
    if (e.type === "plain_text_input") {
      const attrs = { class: "el", "data-testid": `input-${id}`, placeholder: e.placeholder && e.placeholder.text };
      const node = e.multiline ? el("textarea", attrs) : el("input", { ...attrs, type: "text" });
      if (e.initial_value) node.value = e.initial_value;
      if (e.max_length) node.setAttribute("maxlength", e.max_length);
      return node;
    }
    if (e.type === "image") return el("img", { class: "accessory-image", src: e.image_url, alt: e.alt_text });
    if (e.type === "overflow") {
      const s = el("select", { class: "el", "data-testid": `action-${id}` }, [el("option", { value: "", text: "⋯" })]);
      for (const o of options(e)) s.appendChild(el("option", { value: o.value, text: o.text.text }));
      s.addEventListener("change", () => { if (s.value) fire(s.value, s); });
      return s;
    }
    return el("span", { class: "time", text: `[${e.type}]` });
  }

  function block(b, ctx, errors) {
    const wrap = (cls, children) => el("div", { class: `block ${cls}`, "data-testid": `block-${b.block_id || b.type}` }, children);
    switch (b.type) {
      case "header": return wrap("block-header", [el("span", { text: b.text && b.text.text })]);
      case "divider": return el("hr", { class: "divider" });
      case "section": {
        const body = el("div", {}, [b.text ? textObj(b.text) : null]);
        if (b.fields) body.appendChild(el("div", { class: "fields" }, b.fields.map(textObj)));
        return wrap("section", [body, b.accessory ? element(b.accessory, ctx) : null]);
      }
      case "context": return wrap("context", (b.elements || []).map((e) =>
        e.type === "image" ? el("img", { src: e.image_url, alt: e.alt_text }) : textObj(e)));
      case "actions": return wrap("actions", (b.elements || []).map((e) => element(e, ctx)));
      case "image": return wrap("block-image", [
        b.title ? el("div", { class: "time", text: b.title.text }) : null,
        el("img", { src: b.image_url || (b.slack_file && b.slack_file.url), alt: b.alt_text })]);
      case "input": {
        const error = errors && errors[b.block_id];
        return el("div", { class: "input-block" + (error ? " has-error" : ""), "data-block-id": b.block_id,
                           "data-testid": `block-${b.block_id}` }, [
          el("label", {}, [b.label && b.label.text, b.optional ? el("span", { class: "optional", text: " (optional)" }) : null]),
          element(b.element, { ...ctx, where: "modal" }),
          b.hint ? el("div", { class: "hint", text: b.hint.text }) : null,
          error ? el("div", { class: "field-error", "data-testid": `error-${b.block_id}`, text: error }) : null]);
      }
      case "rich_text": return wrap("rich", [el("span", { class: "text", text: richText(b) })]);
      default: return wrap("unknown", [el("span", { class: "time", text: `[${b.type} block]` })]);
    }
  }

  function richText(b) {
    const out = [];
    const walk = (n) => { if (n.text) out.push(n.text); if (n.type === "user") out.push("@" + userName(n.user_id)); (n.elements || []).forEach(walk); };
    walk(b);
    return out.join("");
  }

  function blocks(list, ctx, errors) { return el("div", { class: "blocks" }, (list || []).map((b) => block(b, ctx, errors))); }

  function fileUrl(f) { return `/local/files/${encodeURIComponent(f.id)}/${encodeURIComponent(f.name)}`; }
  function size(n) { return n > 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1e3))} kB`; }

  function file(f) {
    const url = fileUrl(f);
    const mime = f.mimetype || "";
    const name = f.title || f.name;
    if (mime.startsWith("audio/")) {
      return el("div", { class: "file audio-file", "data-testid": `file-${f.id}` }, [
        el("div", { class: "meta" }, [el("span", { class: "file-name", text: name }), el("span", { class: "file-sub", text: size(f.size) })]),
        el("audio", { controls: "controls", preload: "none", src: url, "data-testid": "audio-player" })]);
    }
    if (mime.startsWith("image/")) return el("img", { class: "block-image", src: url, alt: name, "data-testid": `file-${f.id}` });
    const kind = mime === "application/pdf" ? "PDF" : mime.startsWith("text/") ? "TXT" : (f.filetype || "FILE").toUpperCase();
    const link = el("a", { href: url, target: "_blank", rel: "noopener", class: "file-name", text: name,
                           download: kind === "PDF" ? null : f.name, "data-testid": `file-link-${f.id}` });
    link.addEventListener("click", (ev) => ev.stopPropagation());
    return el("div", { class: "file", "data-testid": `file-${f.id}` }, [
      el("div", { class: "file-icon" + (kind === "TXT" ? " text" : ""), text: kind.slice(0, 4) }),
      el("div", {}, [link, el("div", { class: "file-sub", text: `${f.pretty_type || kind} · ${size(f.size)}` })])]);
  }

  function avatar(userId) {
    const u = users[userId] || { real_name: userId || "?" };
    const color = COLORS[[...(userId || "?")].reduce((a, c) => a + c.charCodeAt(0), 0) % COLORS.length];
    return el("div", { class: "avatar", style: `background:${u.is_bot ? "#4a154b" : color}`, text: (u.real_name || "?")[0].toUpperCase() });
  }

  return { configure, mrkdwn, blocks, file, avatar, el, userName, esc };
})();
