// The web chat page. User content is always inserted as text nodes (textContent /
// createTextNode), never with innerHTML: the server's HTML is read token by token.
"use strict";
const UI = {
  zh: { title: "心桥", send: "发送", photo: "图片", other: "English", noToken: "链接无效：请向管理员索取新的链接。",
        offline: "连接中断，正在重连…", online: "", failed: "发送失败，正在重试…" },
  en: { title: "Xinqiao", send: "Send", photo: "Photo", other: "中文", noToken: "This link is not valid: ask the administrator for a new one.",
        offline: "Disconnected, reconnecting…", online: "", failed: "Sending failed, retrying…" },
};
let lang = localStorage.getItem("xq-lang") || "zh";
let token = null;
let last = 0;
const byMessageId = new Map();
const seen = new Set();

function t(key) { return UI[lang][key]; }
function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach(el => { el.textContent = t(el.dataset.t); });
  document.getElementById("lang").textContent = t("other");
}
function status(key) { document.getElementById("status").textContent = key ? t(key) : ""; }

const ENTITIES = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": "\"", "&#x27;": "'", "&#39;": "'" };
function decode(s) { return s.replace(/&(lt|gt|amp|quot|#x27|#39);/g, m => ENTITIES[m]); }

// The server sends Telegram-style HTML: locale text with <b>, user values escaped.
// Only <b> becomes an element; everything else is text.
function fillSafe(el, html) {
  el.replaceChildren();
  let parent = el;
  for (const part of html.split(/(<b>|<\/b>)/)) {
    if (part === "<b>") { const b = document.createElement("b"); el.appendChild(b); parent = b; }
    else if (part === "</b>") { parent = el; }
    else if (part) { parent.appendChild(document.createTextNode(decode(part))); }
  }
}

function newId() { return (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2) + Date.now()).replace(/-/g, ""); }

async function api(path, options = {}) {
  options.headers = Object.assign({ Authorization: "Bearer " + token }, options.headers || {});
  const resp = await fetch(path, options);
  if (resp.status === 401) { status("noToken"); throw new Error("401"); }
  return resp;
}

async function post(body, attempt = 0) {
  const opts = body instanceof FormData ? { method: "POST", body }
    : { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
  try {
    const resp = await api("/api/messages", opts);
    if (resp.status >= 500) throw new Error(String(resp.status));
    status(null);
  } catch (e) {
    if (e.message === "401" || attempt > 5) return;
    status("failed");  // same client_id: the server stores it once
    setTimeout(() => post(body, attempt + 1), 1000 * (attempt + 1));
  }
}

function scroll() { const log = document.getElementById("log"); log.scrollTop = log.scrollHeight; }

function showMine(text) {
  const div = document.createElement("div");
  div.className = "msg mine";
  div.textContent = text;
  document.getElementById("log").appendChild(div);
  scroll();
}

function showEvent(ev) {
  if (ev.kind === "toast") {
    if (!ev.html) return;
    const div = document.createElement("div");
    div.className = "toast";
    fillSafe(div, ev.html);
    document.getElementById("log").appendChild(div);
    scroll();
    return;
  }
  if (seen.has(ev.id)) return;
  seen.add(ev.id);
  last = Math.max(last, ev.id);
  let div = ev.edit_of ? byMessageId.get(ev.edit_of) : null;
  if (!div) {
    div = document.createElement("div");
    div.className = "msg";
    document.getElementById("log").appendChild(div);
  }
  byMessageId.set(ev.message_id, div);
  fillSafe(div, ev.html);
  if (ev.buttons && ev.buttons.length) {
    const box = document.createElement("div");
    box.className = "buttons";
    for (const row of ev.buttons) for (const b of row) {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.label;
      btn.addEventListener("click", () => {
        showMine(b.label);
        post({ client_id: newId(), action: b.action, message_id: ev.message_id, label: b.label });
      });
      box.appendChild(btn);
    }
    div.appendChild(box);
  }
  scroll();
}

// SSE read with fetch, so the token travels in a header rather than in the URL.
async function stream() {
  for (;;) {
    try {
      const resp = await api("/api/events?since=" + last, { headers: { Accept: "text/event-stream" } });
      status(null);
      const reader = resp.body.getReader();
      const dec = new TextDecoder();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, cut); buf = buf.slice(cut + 2);
          const data = block.split("\n").filter(l => l.startsWith("data: ")).map(l => l.slice(6)).join("\n");
          if (data) showEvent(JSON.parse(data));
        }
      }
    } catch (e) {
      if (e.message === "401") return;
    }
    status("offline");
    await new Promise(r => setTimeout(r, 2000));
  }
}

async function start() {
  applyLang();
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("xq-lang", lang);
    applyLang();
  });
  const m = location.hash.match(/token=([A-Za-z0-9_-]+)/);
  if (m) {
    localStorage.setItem("xq-token", m[1]);
    history.replaceState(null, "", location.pathname);  // keep the token out of the address bar
  }
  token = localStorage.getItem("xq-token");
  if (!token) { status("noToken"); return; }
  document.getElementById("compose").addEventListener("submit", e => {
    e.preventDefault();
    const input = document.getElementById("text");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    showMine(text);
    post({ client_id: newId(), text });
  });
  document.getElementById("photo").addEventListener("change", e => {
    const file = e.target.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("client_id", newId());
    form.append("photo", file);
    showMine("🖼 " + file.name);
    post(form);
    e.target.value = "";
  });
  try {
    const resp = await api("/api/messages?since=0");
    const body = await resp.json();
    // Own messages and replies in the order they happened (both carry UTC "at").
    const all = (body.mine || []).map(m => ({ at: m.at, show: () => showMine(m.text || m.label || "🖼") }))
      .concat(body.events.map(ev => ({ at: ev.at, show: () => showEvent(ev) })));
    all.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
    for (const item of all) item.show();
  } catch (e) { if (e.message === "401") return; }
  stream();
}
document.addEventListener("DOMContentLoaded", start);
