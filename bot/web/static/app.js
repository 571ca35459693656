// The web chat page. User content is always inserted as text nodes (textContent /
// createTextNode), never with innerHTML: the server's HTML is read token by token.
"use strict";
const UI = {
  zh: { title: "心桥", send: "发送", photo: "图片", other: "English", noToken: "链接无效或已过期：请向管理员索取新的链接。",
        offline: "连接中断，正在重连…", online: "", failed: "发送失败，正在重试…", placeholder: "输入消息…", tooBig: "图片太大，未发送。",
        rejected: "消息未被接受（格式不对或太长）。",
        actAs: "演示模式·扮演：", pick: "选择一个人…", demoFailed: "无法切换身份。",
        new: "提交诉求", my: "我的诉求", tasks: "我的待办", help: "帮助",
        roles: { student: "学生", staff: "教职工", party_member: "党员", branch_secretary: "支部书记",
                 college_committee: "学院党委", counsellor: "辅导员", psych_centre: "心理中心",
                 crisis_team: "危机干预小组", functional_contact: "职能部门", discipline_contact: "纪检",
                 identity_supervisor: "身份监督员", leader: "校领导", admin: "组织部管理员" } },
  en: { title: "Xinqiao", send: "Send", photo: "Photo", other: "中文", noToken: "This link is not valid or has expired: ask the administrator for a new one.",
        offline: "Disconnected, reconnecting…", online: "", failed: "Sending failed, retrying…", placeholder: "Type a message…", tooBig: "The photo is too large; not sent.",
        rejected: "The message was not accepted (wrong format or too long).",
        actAs: "Demo mode, act as:", pick: "Pick a person…", demoFailed: "Could not switch person.",
        new: "New concern", my: "My concerns", tasks: "My tasks", help: "Help",
        roles: { student: "Students", staff: "Staff", party_member: "Party members", branch_secretary: "Branch secretaries",
                 college_committee: "College committees", counsellor: "Counsellors", psych_centre: "Psychological centre",
                 crisis_team: "Crisis team", functional_contact: "Functional departments", discipline_contact: "Discipline",
                 identity_supervisor: "Identity supervisors", leader: "Leaders", admin: "Organisation Department" } },
};
let lang = localStorage.getItem("xq-lang") || "zh";
let token = null;
let last = 0;
let session = null;  // AbortController of the open conversation's stream
let demoGroups = null;
const byMessageId = new Map();
const seen = new Set();

function t(key) { return UI[lang][key]; }
function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach(el => { el.textContent = t(el.dataset.t); });
  document.getElementById("lang").textContent = t("other");
  document.getElementById("text").placeholder = t("placeholder");
  if (demoGroups) fillPicker();
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

async function api(path, options = {}, as = token) {
  options.headers = Object.assign({ Authorization: "Bearer " + as }, options.headers || {});
  const resp = await fetch(path, options);
  if (resp.status === 401) { if (as === token) status("noToken"); throw new Error("401"); }
  return resp;
}

// Sent as the person who wrote it, even if the demo picker switches before a retry.
async function post(body, attempt = 0, as = token) {
  const opts = body instanceof FormData ? { method: "POST", body }
    : { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
  try {
    const resp = await api("/api/messages", opts, as);
    if (resp.status >= 500) throw new Error(String(resp.status));
    if (resp.status === 413) { status("tooBig"); return; }
    if (resp.status >= 400) { status("rejected"); return; }
    status(null);
  } catch (e) {
    if (e.message === "401" || attempt > 5) return;
    status("failed");  // same client_id: the server stores it once
    setTimeout(() => post(body, attempt + 1, as), 1000 * (attempt + 1));
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

// An event's photos: the server's signed URL is fetched with the token in the header (never
// in a URL) and shown from a blob; a placeholder the server sends is plain text.
function showAttachments(div, ev) {
  for (const a of ev.attachments || []) {
    if (typeof a.url === "string" && a.url.startsWith("/api/files/")) {
      const img = document.createElement("img");
      img.alt = t("photo");
      img.style.display = "block";
      img.style.maxWidth = "100%";
      div.appendChild(img);
      api(a.url).then(r => (r.ok ? r.blob() : Promise.reject(new Error(String(r.status)))))
        .then(blob => {
          img.addEventListener("load", () => URL.revokeObjectURL(img.src), { once: true });
          img.src = URL.createObjectURL(blob);
          scroll();
        })
        .catch(() => img.replaceWith(document.createTextNode("🖼 " + t("photo") + " ✕")));
    } else if (typeof a.text === "string" && a.text) {
      const note = document.createElement("div");
      note.textContent = a.text;
      div.appendChild(note);
    }
  }
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
  showAttachments(div, ev);
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
async function stream(signal) {
  while (!signal.aborted) {
    try {
      const resp = await api("/api/events?since=" + last, { headers: { Accept: "text/event-stream" }, signal });
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
      if (e.message === "401" || signal.aborted) return;
    }
    status("offline");
    await new Promise(r => setTimeout(r, 2000));
  }
}

// Load one person's conversation (history, then the live stream); a new call replaces it.
// retried: the demo token was just issued (no second re-login if it fails again).
async function openConversation(retried = false) {
  if (session) session.abort();
  session = new AbortController();
  const signal = session.signal;
  document.getElementById("log").replaceChildren();
  document.getElementById("me").textContent = "";
  byMessageId.clear(); seen.clear(); last = 0;
  status(null);
  if (!token) { status(demoGroups ? "pick" : "noToken"); return; }
  try {
    const me = await (await api("/api/me", { signal })).json();
    document.getElementById("me").textContent = me.name || "";  // who the page acts as
    const resp = await api("/api/messages?since=0", { signal });
    const body = await resp.json();
    if (signal.aborted) return;
    // Own messages and replies in the order they happened (both carry UTC "at").
    const all = (body.mine || []).map(m => ({ at: m.at, show: () => showMine(m.text || m.label || "🖼") }))
      .concat(body.events.map(ev => ({ at: ev.at, show: () => showEvent(ev) })));
    all.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
    for (const item of all) item.show();
    if (!all.length) post({ client_id: newId(), text: "/start", silent: true });  // the welcome and its menu
  } catch (e) {
    // Demo mode after a restart of the bot: the picker's tokens were replaced. Pick the
    // same person again rather than show "link not valid".
    const number = localStorage.getItem("xq-demo-number");
    if (e.message === "401" && demoGroups && number && !retried) demoLogin(number);
    return;
  }
  stream(signal);
}

function say(text, shown = text) {
  showMine(shown);
  post({ client_id: newId(), text });
}

// Demo mode only (the server answers /demo/people only with [web] demo = true on loopback).
function fillPicker() {
  const select = document.getElementById("who");
  const current = localStorage.getItem("xq-demo-number") || "";
  const first = document.createElement("option");
  first.value = ""; first.textContent = t("pick");
  select.replaceChildren(first);
  for (const g of demoGroups) {
    const group = document.createElement("optgroup");
    group.label = UI[lang].roles[g.role] || g.role;
    for (const p of g.people) {
      const o = document.createElement("option");
      o.value = p.number;
      o.textContent = p.name + (p.unit ? " · " + p.unit : "") + " · " + p.number;
      group.appendChild(o);
    }
    select.appendChild(group);
  }
  select.value = current;
}

async function setupDemo() {
  let resp;
  try { resp = await fetch("/demo/people"); } catch (e) { return; }
  if (!resp.ok) return;
  demoGroups = (await resp.json()).groups;
  document.getElementById("demo").hidden = false;
  fillPicker();
  document.getElementById("who").addEventListener("change", e => {
    if (e.target.value) demoLogin(e.target.value);
  });
}

async function demoLogin(number) {
  const r = await fetch("/demo/login", { method: "POST", headers: { "Content-Type": "application/json" },
                                         body: JSON.stringify({ number }) });
  if (!r.ok) { status("demoFailed"); return; }
  token = (await r.json()).token;
  localStorage.setItem("xq-token", token);
  localStorage.setItem("xq-demo-number", number);
  openConversation(true);
}

async function start() {
  applyLang();
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("xq-lang", lang);
    applyLang();
    // The bot's own replies follow: the same "/lang" command as on Telegram, not shown.
    if (token) post({ client_id: newId(), text: lang === "zh" ? "/lang zh_CN" : "/lang en", silent: true });
  });
  const m = location.hash.match(/token=([A-Za-z0-9_-]+)/);
  if (m) {
    localStorage.setItem("xq-token", m[1]);
    localStorage.removeItem("xq-demo-number");
    history.replaceState(null, "", location.pathname);  // keep the token out of the address bar
  }
  token = localStorage.getItem("xq-token");
  document.getElementById("compose").addEventListener("submit", e => {
    e.preventDefault();
    const input = document.getElementById("text");
    const text = input.value.trim();
    if (!text || !token) return;
    input.value = "";
    say(text);
  });
  document.querySelectorAll("#menu button").forEach(b => {
    b.addEventListener("click", () => { if (token) say("/" + b.dataset.command, b.textContent); });
  });
  document.getElementById("photo").addEventListener("change", e => {
    const file = e.target.files[0];
    if (!file || !token) return;
    const form = new FormData();
    form.append("client_id", newId());
    form.append("photo", file);
    showMine("🖼 " + file.name);
    post(form);
    e.target.value = "";
  });
  await setupDemo();
  openConversation();
}
document.addEventListener("DOMContentLoaded", start);
