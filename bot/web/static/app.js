// The web chat page. User content is always inserted as text nodes (textContent /
// createTextNode), never with innerHTML: the server's HTML is read token by token.
//
// It reads like a chat: a pressed button is marked on its card (chosen, the others
// disabled) instead of being echoed as a bubble; when the bot answers a press by editing
// that card, the card stays as it was and the edited text comes as a new message below.
// History replays the same steps (the person's presses come back with their card), so a
// reload shows what was shown live, in the same order.
"use strict";
const UI = {
  zh: { title: "心桥", send: "发送", photo: "图片", file: "文件", other: "English", noToken: "链接无效或已过期：请向管理员索取新的链接。",
        offline: "连接中断，正在重连…", retrying: "发送失败，正在重试…", placeholder: "输入消息…",
        notSent: "未能发送（网络问题），请稍后再试。", rejected: "消息未被接受。",
        actAs: "演示模式·扮演：", pick: "选择一个人…", demoFailed: "无法切换身份。",
        new: "提交诉求", my: "我的诉求", tasks: "我的待办", reception: "接待日", help: "帮助",
        role: { student: "学生", staff: "教职工", party_member: "党员", branch_secretary: "支部书记",
                college_committee: "学院党委", counsellor: "辅导员", psych_centre: "心理中心",
                crisis_team: "危机干预小组", functional_contact: "职能部门", discipline_contact: "纪检",
                identity_supervisor: "身份监督员", leader: "校领导", admin: "组织部管理员" },
        roles: { student: "学生", staff: "教职工", party_member: "党员", branch_secretary: "支部书记",
                 college_committee: "学院党委", counsellor: "辅导员", psych_centre: "心理中心",
                 crisis_team: "危机干预小组", functional_contact: "职能部门", discipline_contact: "纪检",
                 identity_supervisor: "身份监督员", leader: "校领导", admin: "组织部管理员" } },
  en: { title: "Xinqiao", send: "Send", photo: "Photo", file: "File", other: "中文", noToken: "This link is not valid or has expired: ask the administrator for a new one.",
        offline: "Disconnected, reconnecting…", retrying: "Sending failed, retrying…", placeholder: "Type a message…",
        notSent: "Not sent (network problem); please try again later.", rejected: "The message was not accepted.",
        actAs: "Demo mode, act as:", pick: "Pick a person…", demoFailed: "Could not switch person.",
        new: "New concern", my: "My concerns", tasks: "My tasks", reception: "Receptions", help: "Help",
        role: { student: "Student", staff: "Staff", party_member: "Party member", branch_secretary: "Branch secretary",
                college_committee: "College committee", counsellor: "Counsellor", psych_centre: "Psychological centre",
                crisis_team: "Crisis team", functional_contact: "Functional department", discipline_contact: "Discipline",
                identity_supervisor: "Identity supervisor", leader: "Leader", admin: "Organisation Department" },
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
let me = null;       // /api/me: name, roles, menu
const byMessageId = new Map();  // message id -> the card that shows it now
const pending = new Set();      // cards with a press waiting for the bot's answer
const seen = new Set();
const MENU = ["new", "my", "tasks", "reception", "help"];  // the menu's commands: each has a label in UI

function t(key) { return UI[lang][key]; }
function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach(el => { el.textContent = t(el.dataset.t); });
  document.getElementById("lang").textContent = t("other");
  document.getElementById("text").placeholder = t("placeholder");
  showMe();
  if (demoGroups) fillPicker();
}
// The page speaks the language the bot speaks to this account ("zh_CN" / "en").
function pageLang(locale) { return locale === "en" ? "en" : "zh"; }
function setLang(l) {
  if (l === lang) return;
  lang = l;
  localStorage.setItem("xq-lang", lang);
  applyLang();
}
// A live reply in another language: /lang was typed in the chat (or chosen elsewhere).
async function followLocale(ev) {
  if (!me || !ev.locale || pageLang(ev.locale) === lang) return;
  const asked = me, as = token;
  try {
    const fresh = await (await api("/api/me", {}, as)).json();
    if (me === asked) { me = fresh; setLang(pageLang(me.locale)); }  // still the same person
  } catch (e) { /* offline: the next reply tries again */ }
}
function status(key) { document.getElementById("status").textContent = key ? t(key) : ""; }
function log() { return document.getElementById("log"); }
function languageHeader() { return { "Accept-Language": lang === "zh" ? "zh-CN" : "en" }; }

// Who the page acts as ("张三 · 学生"), and the menu for their roles.
function showMe() {
  const el = document.getElementById("me");
  if (!me) { el.textContent = ""; el.title = ""; return; }
  const shown = (me.shown || (me.roles || []).slice(0, 1)).map(r => t("role")[r] || r);
  el.textContent = [me.name].concat(shown).join(" · ");
  el.title = (me.roles || []).map(r => t("role")[r] || r).join("、");
  document.querySelectorAll("#menu button").forEach(b => {
    b.hidden = !(me.menu || []).includes(b.dataset.command);
  });
}

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
  options.headers = Object.assign({ Authorization: "Bearer " + as }, languageHeader(), options.headers || {});
  const resp = await fetch(path, options);
  if (resp.status === 401) { if (as === token) status("noToken"); throw new Error("401"); }
  return resp;
}

async function reasonOf(resp) {
  try { const body = await resp.json(); if (typeof body.reason === "string" && body.reason) return body.reason; } catch (e) { /* not JSON */ }
  return t("rejected");
}

// Send as the person who wrote it (even if the demo picker switches before a retry).
// A refusal (4xx) is final and says why: ``refused(reason)``. Only a network error or a
// server error (5xx) is retried; the same client_id makes a retry harmless.
async function post(body, refused, attempt = 0, as = token) {
  const opts = body instanceof FormData ? { method: "POST", body }
    : { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
  let resp;
  try {
    resp = await api("/api/messages", opts, as);
  } catch (e) {
    if (e.message === "401") { refused(t("noToken")); return; }
    resp = null;
  }
  if (resp && resp.status < 400) { status(null); return; }
  if (resp && resp.status < 500) { status(null); refused(await reasonOf(resp)); return; }
  if (attempt >= 5) { status(null); refused(t("notSent")); return; }
  status("retrying");
  setTimeout(() => post(body, refused, attempt + 1, as), 1000 * (attempt + 1));
}

function scroll() { log().scrollTop = log().scrollHeight; }

// A bubble of the person's own; ``photo``: a File (live) or the history's signed URL.
function showMine(text, photo = null) {
  const div = document.createElement("div");
  div.className = "msg mine";
  if (text) div.appendChild(document.createTextNode(text));
  if (photo instanceof Blob) {
    const img = document.createElement("img");
    img.alt = t("photo");
    img.addEventListener("load", () => { URL.revokeObjectURL(img.src); scroll(); }, { once: true });
    // Not a picture the browser can show (the server will say if it refuses it): its name.
    img.addEventListener("error", () => img.replaceWith(document.createTextNode("🖼 " + (photo.name || t("photo")))), { once: true });
    img.src = URL.createObjectURL(photo);
    div.appendChild(img);
  } else if (photo) {
    showAttachments(div, { attachments: [photo] });
  }
  log().appendChild(div);
  scroll();
  return div;
}

function markFailed(bubble, reason) {
  bubble.classList.add("failed");
  const note = document.createElement("div");
  note.className = "reason";
  note.textContent = "⚠ " + reason;
  bubble.appendChild(note);
  scroll();
}

function notice(text) {
  const div = document.createElement("div");
  div.className = "toast notice";
  div.textContent = text;
  log().appendChild(div);
  scroll();
}

// An event's photos: the server's signed URL is fetched with the token in the header (never
// in a URL) and shown from a blob; a placeholder the server sends is plain text.
function showAttachments(div, ev) {
  for (const a of ev.attachments || []) {
    if (a.kind === "document" && typeof a.url === "string" && a.url.startsWith("/api/files/")) {
      // a file to save (a /mydata file): fetched with the token, saved under its name
      const link = document.createElement("a");
      link.className = "file";
      link.href = "#";
      link.textContent = "📄 " + (a.name || t("file"));
      link.addEventListener("click", e => {
        e.preventDefault();
        api(a.url).then(r => (r.ok ? r.blob() : Promise.reject(new Error(String(r.status)))))
          .then(blob => {
            const save = document.createElement("a");
            save.href = URL.createObjectURL(blob);
            save.download = a.name || "file";
            save.click();
            setTimeout(() => URL.revokeObjectURL(save.href), 1000);
          })
          .catch(() => { link.textContent = "📄 " + (a.name || t("file")) + " ✕"; });
      });
      div.appendChild(link);
    } else if (typeof a.url === "string" && a.url.startsWith("/api/files/")) {
      const img = document.createElement("img");
      img.alt = t("photo");
      div.appendChild(img);
      api(a.url).then(r => (r.ok ? r.blob() : Promise.reject(new Error(String(r.status)))))
        .then(blob => {
          img.addEventListener("load", () => { URL.revokeObjectURL(img.src); scroll(); }, { once: true });
          img.src = URL.createObjectURL(blob);
        })
        .catch(() => img.replaceWith(document.createTextNode("🖼 " + t("photo") + " ✕")));
    } else if (typeof a.text === "string" && a.text) {
      const note = document.createElement("div");
      note.textContent = a.text;
      div.appendChild(note);
    } else if (a.placeholder) {
      div.appendChild(document.createTextNode("🖼"));
    }
  }
}

function buttonsOf(card) { return card ? Array.from(card.querySelectorAll(".buttons button")) : []; }

// A press: the chosen button marked, the card's buttons held until the bot answers.
function markPress(card, action) {
  if (!card) return;
  for (const b of buttonsOf(card)) {
    b.disabled = true;
    if (b.dataset.action === action) { b.classList.add("chosen"); b.setAttribute("aria-pressed", "true"); }
  }
  pending.add(card);
}

// The bot answered with a new message, not by editing the card: it stays usable.
function release(card) {
  pending.delete(card);
  for (const b of buttonsOf(card)) { b.disabled = false; b.classList.remove("chosen"); b.removeAttribute("aria-pressed"); }
}

// The card was answered (the bot edited it): it keeps its text and the choice, for good.
function freeze(card) {
  pending.delete(card);
  card.classList.add("answered");
  for (const b of buttonsOf(card)) b.disabled = true;
}

function press(card, ev, b) {
  if (!token || card.classList.contains("answered")) return;
  markPress(card, b.action);
  post({ client_id: newId(), action: b.action, message_id: ev.message_id, label: b.label, after: last }, reason => {
    release(card);
    notice(reason);
  });
}

function showEvent(ev, live = false) {
  if (ev.kind === "toast") {
    if (!ev.html) return;
    const div = document.createElement("div");
    div.className = "toast";
    fillSafe(div, ev.html);
    log().appendChild(div);
    scroll();
    return;
  }
  if (seen.has(ev.id)) return;
  seen.add(ev.id);
  if (live) followLocale(ev);
  last = Math.max(last, ev.id);
  const edited = ev.edit_of ? byMessageId.get(String(ev.edit_of)) : null;
  if (edited) freeze(edited);
  for (const card of Array.from(pending)) release(card);
  const div = document.createElement("div");
  div.className = "msg";
  div.dataset.messageId = ev.message_id;
  log().appendChild(div);
  byMessageId.set(String(ev.message_id), div);
  fillSafe(div, ev.html);
  showAttachments(div, ev);
  if (ev.buttons && ev.buttons.length) {
    const box = document.createElement("div");
    box.className = "buttons";
    for (const row of ev.buttons) for (const b of row) {
      const btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = b.label;
      btn.dataset.action = b.action;
      btn.addEventListener("click", () => press(div, ev, b));
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
          if (data) showEvent(JSON.parse(data), true);
        }
      }
    } catch (e) {
      if (e.message === "401" || signal.aborted) return;
    }
    status("offline");
    await new Promise(r => setTimeout(r, 2000));
  }
}

// One of the person's own stored messages, replayed as it was shown live.
function replayMine(m) {
  if (m.kind === "button") markPress(byMessageId.get(String(m.message_id)), m.action);
  else if (m.kind === "photo") showMine(m.text, m.photo || null);
  else showMine(MENU.includes(m.text.slice(1)) ? t(m.text.slice(1)) : m.text);  // as the chip said it
}

// Replies and the person's own messages in the order the page showed them: each own
// message right after the reply that was the newest on the page when it was sent
// ("after"); one stored without it goes after the last reply queued before it.
function inOrder(events, mine) {
  const items = events.map((ev, i) => ({ key: [ev.id, 0, i], show: () => showEvent(ev) }));
  mine.forEach((m, i) => {
    let after = Number.isInteger(m.after) ? m.after : 0;
    if (!Number.isInteger(m.after)) for (const ev of events) if (ev.at <= m.at) after = Math.max(after, ev.id);
    items.push({ key: [after, 1, i], show: () => replayMine(m) });
  });
  const cmp = (x, y) => { for (let k = 0; k < 3; k++) if (x.key[k] !== y.key[k]) return x.key[k] - y.key[k]; return 0; };
  return items.sort(cmp);
}

// Load one person's conversation (history, then the live stream); a new call replaces it.
// retried: the demo token was just issued (no second re-login if it fails again).
async function openConversation(retried = false) {
  if (session) session.abort();
  session = new AbortController();
  const signal = session.signal;
  log().replaceChildren();
  me = null; showMe();
  byMessageId.clear(); pending.clear(); seen.clear(); last = 0;
  status(null);
  if (!token) { status(demoGroups ? "pick" : "noToken"); return; }
  try {
    me = await (await api("/api/me", { signal })).json();
    if (me.locale) setLang(pageLang(me.locale));
    showMe();
    const resp = await api("/api/messages?since=0", { signal });
    const body = await resp.json();
    if (signal.aborted) return;
    for (const item of inOrder(body.events, body.mine || [])) item.show();
    const all = body.events.concat(body.mine || []);
    // The welcome and its menu; what the person types meanwhile waits for it (``opened``),
    // or their /new would be answered first and the welcome would make its buttons stale.
    if (!all.length) await post({ client_id: newId(), text: "/start", silent: true }, notice);
  } catch (e) {
    // Demo mode after a restart of the bot: the picker's tokens were replaced. Pick the
    // same person again rather than show "link not valid".
    const number = localStorage.getItem("xq-demo-number");
    if (e.message === "401" && demoGroups && number && !retried) demoLogin(number);
    return;
  }
  stream(signal);
}

// Settles when the current conversation has loaded (and its silent /start, if any, is sent).
let opened = Promise.resolve();

function say(text, shown = text) {
  const bubble = showMine(shown);
  opened.then(() => post({ client_id: newId(), text, after: last },
                         reason => markFailed(bubble, reason)));
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
  try { resp = await fetch("/demo/people", { headers: languageHeader() }); } catch (e) { return; }
  if (!resp.ok) return;
  demoGroups = (await resp.json()).groups;
  document.getElementById("demo").hidden = false;
  fillPicker();
  document.getElementById("who").addEventListener("change", e => {
    if (e.target.value) demoLogin(e.target.value);
  });
}

async function demoLogin(number) {
  const r = await fetch("/demo/login", { method: "POST", body: JSON.stringify({ number }),
                                         headers: Object.assign({ "Content-Type": "application/json" }, languageHeader()) });
  if (!r.ok) { document.getElementById("status").textContent = await reasonOf(r) || t("demoFailed"); return; }
  token = (await r.json()).token;
  localStorage.setItem("xq-token", token);
  localStorage.setItem("xq-demo-number", number);
  opened = openConversation(true);
}

async function start() {
  applyLang();
  document.getElementById("lang").addEventListener("click", () => {
    setLang(lang === "zh" ? "en" : "zh");
    // The bot's own replies follow: the same "/lang" command as on Telegram, not shown;
    // not sent when the bot already speaks it.
    const locale = lang === "zh" ? "zh_CN" : "en";
    if (!token || !me || me.locale === locale) return;
    me.locale = locale;
    post({ client_id: newId(), text: "/lang " + locale, silent: true }, notice);
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
    form.append("after", String(last));
    form.append("photo", file);
    const bubble = showMine("", file);  // the photo as sent
    opened.then(() => post(form, reason => markFailed(bubble, reason)));
    e.target.value = "";
  });
  await setupDemo();
  opened = openConversation();
}
document.addEventListener("DOMContentLoaded", start);
