// The ISAF steps, drawn from the meeting's records. Each input is stored as it is typed.
import { draft, list, save, state as appState } from "./app.js";
import { newUuid } from "./store.js";

export const STEPS = ["setup", "participants", "proposals", "priority", "voting", "results", "actions"];

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c);
  return el;
}

const youth = (p) => p.age >= appState.bundle.youth[0] && p.age <= appState.bundle.youth[1];
const GROUPS = [
  ["female", (p) => p.sex === "female"],
  ["male", (p) => p.sex === "male"],
  ["youth", youth],
  ["disability", (p) => p.disability],
  ["minority", (p) => p.minority],
  ["idpoor", (p) => p.idpoor === "level1" || p.idpoor === "level2"],
];

function people() { return list("participant").map((r) => ({ uuid: r.uuid, ...r.data })).sort((a, b) => a.number - b.number); }
function voters() { return people().filter((p) => !p.anonymous); }
function proposals() { return list("proposal").map((r) => ({ uuid: r.uuid, ...r.data })); }
function selected() { return proposals().filter((p) => p.selected).sort((a, b) => a.order - b.order); }
function votes() { return list("vote").map((r) => ({ uuid: r.uuid, ...r.data })); }
function indicatorOf(p) { return appState.bundle.indicators.find((i) => i.code === p.indicator); }
function labelOf(p) {
  const ind = indicatorOf(p);
  if (!ind) return p.text;
  return setupData().language === "en" ? ind.text_en : ind.text_km;
}
function setupData() {
  const r = appState.records.get(appState.bundle.meeting.uuid);
  return r ? r.data : { date: "", language: "km", facilitators: "" };
}

export function missingVotes() {
  const sel = selected();
  const ids = new Set(voters().map((p) => p.uuid));
  const sels = new Set(sel.map((p) => p.uuid));
  const cast = votes().filter((v) => ids.has(v.participant) && sels.has(v.proposal)).length;
  return ids.size * sel.length - cast;
}

function reached(step) {
  const s = setupData();
  const need = {
    setup: true,
    participants: Boolean(s.date && s.facilitators),
    proposals: people().length > 0,
    priority: proposals().length > 0,
    voting: selected().length > 0 && voters().length > 0,
    results: selected().length > 0 && missingVotes() === 0,
    actions: selected().length > 0 && missingVotes() === 0,
  };
  return STEPS.slice(0, STEPS.indexOf(step) + 1).every((k) => need[k]);
}

async function go(step) {
  appState.step = step;
  await draft("step", step);
  render(appState, document.getElementById("meeting-app"));
}

export function render(state, root) {
  const T = state.T;
  if (!state.bundle) return;
  if (!reached(state.step)) state.step = STEPS.filter(reached).pop();
  const nav = root.querySelector("[data-steps]");
  nav.replaceChildren(...STEPS.map((s, k) => h("button", {
    type: "button", "data-go": s, class: s === state.step ? "current" : "",
    disabled: !reached(s), "aria-current": s === state.step ? "step" : false,
    onclick: () => go(s),
  }, `${k + 1}. ${T.steps[s]}`)));
  const body = root.querySelector("[data-step-body]");
  const focused = document.activeElement?.id;
  body.replaceChildren(DRAW[state.step](T));
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
}

function gates() {
  document.querySelectorAll("[data-go]").forEach((b) => { b.disabled = !reached(b.dataset.go); });
  document.querySelectorAll("[data-next]").forEach((b) => { b.disabled = !reached(b.dataset.next); });
}

function field(label, input) { return h("label", { class: "field" }, h("span", {}, label), input); }

function nextButton(T, step) {
  const nxt = STEPS[STEPS.indexOf(step) + 1];
  if (!nxt) return null;
  return h("button", { type: "button", class: "next", "data-next": nxt, disabled: !reached(nxt),
    onclick: () => go(nxt) }, T.next);
}

// 1. setup ----------------------------------------------------------------------------
function drawSetup(T) {
  const s = setupData();
  const id = appState.bundle.meeting.uuid;
  // no redraw while typing (it would move the caret): only the gates of the next steps
  const put = (key) => (e) => save("setup", id, { ...setupData(), [key]: e.target.value }, false).then(gates);
  return h("div", {},
    h("h2", {}, T.steps.setup),
    h("p", {}, appState.bundle.meeting.facility_name, " · ", appState.bundle.meeting.round),
    field(T.date, h("input", { type: "date", id: "setup-date", value: s.date, oninput: put("date") })),
    field(T.facilitators, h("input", { id: "setup-facilitators", value: s.facilitators, oninput: put("facilitators") })),
    field(T.language, h("select", { id: "setup-language", onchange: put("language") },
      h("option", { value: "km", selected: s.language === "km" }, "ខ្មែរ"),
      h("option", { value: "en", selected: s.language === "en" }, "English"))),
    nextButton(T, "setup"));
}

// 2. participants ---------------------------------------------------------------------
const EMPTY = { age: "", sex: "", disability: false, minority: false, idpoor: "none", village: "", anonymous: false, role: "" };
let form = null;

function drawParticipants(T) {
  if (form === null) {
    form = { ...EMPTY };
    draft("participant").then((d) => { if (d) { form = d; go("participants"); } });
  }
  const everyone = people();
  const nextNumber = everyone.reduce((m, p) => Math.max(m, p.number), 0) + 1;
  const defaultRole = appState.bundle.meeting.mode === "self_assessment" ? "provider" : "citizen";
  const keep = (key, value) => { form = { ...form, [key]: value }; draft("participant", form); };
  const radio = (name, value, label) => h("label", { class: "choice" },
    h("input", { type: "radio", name, value, checked: form[name] === value,
      onchange: () => { keep(name, value); } }), h("span", {}, label));
  const check = (name, label) => h("label", { class: "choice" },
    h("input", { type: "checkbox", name, checked: form[name], onchange: (e) => keep(name, e.target.checked) }),
    h("span", {}, label));
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const register = async () => {
    const age = Number(form.age);
    if (!Number.isInteger(age) || age < 10 || age > 120 || !form.sex) {
      error.textContent = T.need_age_sex; error.hidden = false; return;
    }
    const data = { number: nextNumber, age, sex: form.sex, disability: form.disability,
      minority: form.minority, idpoor: form.idpoor, village: form.village,
      anonymous: form.anonymous, role: form.role || defaultRole, deleted: false };
    form = { ...EMPTY, village: form.village };
    await draft("participant", form);
    await save("participant", newUuid(), data);
    document.getElementById("p-age")?.focus();
  };
  const totals = GROUPS.map(([g, test]) => [g, everyone.filter(test).length]);
  return h("div", {},
    h("h2", {}, T.steps.participants),
    h("p", { class: "sticker" }, T.sticker, " ", h("strong", { "data-next-number": nextNumber }, String(nextNumber))),
    field(T.age, h("input", { id: "p-age", type: "number", inputmode: "numeric", min: "10", max: "120",
      value: form.age, oninput: (e) => keep("age", e.target.value) })),
    h("fieldset", { class: "choices" }, h("legend", {}, T.sex),
      radio("sex", "female", T.female), radio("sex", "male", T.male), radio("sex", "other", T.other)),
    h("fieldset", { class: "choices" }, h("legend", {}, T.about),
      check("disability", T.disability), check("minority", T.minority), check("anonymous", T.anonymous)),
    field(T.idpoor, h("select", { id: "p-idpoor", onchange: (e) => keep("idpoor", e.target.value) },
      ...[["none", T.idpoor_none], ["level1", T.idpoor_1], ["level2", T.idpoor_2]].map(([v, l]) =>
        h("option", { value: v, selected: form.idpoor === v }, l)))),
    field(T.village, h("select", { id: "p-village", onchange: (e) => keep("village", e.target.value) },
      h("option", { value: "" }, "—"),
      ...appState.bundle.villages.map((v) => h("option", { value: v.code, selected: form.village === v.code }, v.name_km || v.name_en)))),
    field(T.role, h("select", { id: "p-role", onchange: (e) => keep("role", e.target.value) },
      ...["citizen", "provider", "official"].map((r) =>
        h("option", { value: r, selected: (form.role || defaultRole) === r }, T.roles[r])))),
    error,
    h("button", { type: "button", class: "primary", id: "p-register", onclick: register }, T.register),
    h("table", { class: "totals", "data-totals": "" },
      h("tr", {}, h("th", {}, T.total), h("td", { "data-total": "all" }, String(everyone.length))),
      ...totals.map(([g, n]) => h("tr", {}, h("th", {}, T.groups[g]), h("td", { "data-total": g }, String(n)))),
      h("tr", {}, h("th", {}, T.anonymous), h("td", { "data-total": "anonymous" }, String(everyone.filter((p) => p.anonymous).length)))),
    h("ol", { class: "people" }, ...everyone.slice().reverse().map((p) => h("li", { "data-participant": p.number },
      h("strong", {}, `#${p.number}`), ` ${T[p.sex]} · ${p.age}`, p.anonymous ? ` · ${T.anonymous}` : "",
      h("button", { type: "button", class: "small", "aria-label": `${T.remove} #${p.number}`,
        onclick: () => { const r = appState.records.get(p.uuid); save("participant", p.uuid, { ...r.data, deleted: true }); } }, "×")))),
    nextButton(T, "participants"));
}

// 3. proposed indicators --------------------------------------------------------------
let chosenProposers = new Set();
// What is typed for a new indicator survives a redraw (a save or a sync finishing while
// the facilitator types), like the chosen proposers.
let customDraft = "";

function drawProposals(T) {
  const everyone = people();
  const props = proposals();
  const addTo = async (code, text) => {
    const same = props.find((p) => (code && p.indicator === code) || (!code && p.text === text));
    const proposers = [...new Set([...(same ? same.proposers : []), ...chosenProposers])].sort();
    chosenProposers = new Set();
    if (same) {
      const r = appState.records.get(same.uuid);
      await save("proposal", same.uuid, { ...r.data, proposers });
    } else {
      await save("proposal", newUuid(), { indicator: code, text: code ? "" : text, proposers,
        selected: false, order: props.length, deleted: false });
    }
  };
  const custom = h("input", { id: "custom-text", placeholder: T.custom, value: customDraft,
    oninput: (e) => { customDraft = e.target.value; } });
  return h("div", {},
    h("h2", {}, T.steps.proposals),
    h("p", {}, T.who_proposes),
    h("div", { class: "chips" }, ...everyone.map((p) => h("label", { class: "chip" },
      h("input", { type: "checkbox", checked: chosenProposers.has(p.uuid), "data-proposer": p.number,
        onchange: (e) => { if (e.target.checked) chosenProposers.add(p.uuid); else chosenProposers.delete(p.uuid); } }),
      h("span", {}, `#${p.number}`)))),
    h("ul", { class: "library" }, ...appState.bundle.indicators.map((ind) => {
      const prop = props.find((p) => p.indicator === ind.code);
      return h("li", { "data-indicator": ind.code, class: prop ? "proposed" : "" },
        ind.picture ? h("img", { src: ind.picture, alt: "", loading: "lazy" }) : null,
        h("span", { class: "text" }, ind.text_km, prop ? h("small", {}, ` (${prop.proposers.length})`) : null),
        h("button", { type: "button", "data-propose": ind.code, onclick: () => addTo(ind.code, "") }, T.propose));
    })),
    h("div", { class: "row" }, custom,
      h("button", { type: "button", id: "add-custom", onclick: () => {
        const text = (custom.value || customDraft).trim();
        customDraft = "";
        if (text) addTo("", text);
      } }, T.add)),
    h("ul", { class: "customs" }, ...props.filter((p) => !p.indicator).map((p) =>
      h("li", {}, p.text, h("small", {}, ` (${p.proposers.length})`)))),
    nextButton(T, "proposals"));
}

// 4. priority selection ---------------------------------------------------------------
function drawPriority(T) {
  const props = proposals().sort((a, b) => (b.selected - a.selected) || (a.order - b.order));
  const sel = props.filter((p) => p.selected);
  const put = (p, changes) => save("proposal", p.uuid, { ...appState.records.get(p.uuid).data, ...changes });
  const move = async (k, d) => {
    const a = sel[k], b = sel[k + d];
    if (!a || !b) return;
    await put(a, { order: b.order === a.order ? a.order + d : b.order });
    await put(b, { order: a.order });
  };
  return h("div", {},
    h("h2", {}, T.steps.priority),
    h("ul", { class: "priority" }, ...props.map((p) => {
      const k = sel.indexOf(p);
      return h("li", { "data-proposal": p.indicator || p.text },
        h("label", { class: "choice" }, h("input", { type: "checkbox", checked: p.selected, "data-select": p.indicator || p.text,
          onchange: (e) => put(p, { selected: e.target.checked, order: e.target.checked ? 100 + sel.length : p.order }) }),
        h("span", {}, labelOf(p), h("small", {}, ` · ${p.proposers.length} ${T.proposers}`))),
        p.selected ? h("span", { class: "updown" },
          h("button", { type: "button", "aria-label": T.up, disabled: k === 0, onclick: () => move(k, -1) }, "▲"),
          h("button", { type: "button", "aria-label": T.down, disabled: k === sel.length - 1, onclick: () => move(k, 1) }, "▼")) : null);
    })),
    nextButton(T, "priority"));
}

// 5. voting ---------------------------------------------------------------------------
let voteIndex = 0;
let chosenVoter = null;

function play(url) { if (url) new Audio(url).play().catch(() => null); }

function drawVoting(T) {
  const sel = selected();
  voteIndex = Math.min(voteIndex, sel.length - 1);
  const prop = sel[voteIndex];
  const ind = indicatorOf(prop);
  const all = votes();
  const mine = new Map(all.filter((v) => v.proposal === prop.uuid).map((v) => [v.participant, v]));
  const queue = voters();
  const voter = queue.find((p) => p.uuid === chosenVoter) || queue.find((p) => !mine.has(p.uuid));
  const cast = async (value) => {
    const existing = mine.get(voter.uuid);
    chosenVoter = null;
    await save("vote", existing ? existing.uuid : newUuid(),
      { participant: voter.uuid, proposal: prop.uuid, value, deleted: false });
  };
  return h("div", {},
    h("h2", {}, T.steps.voting),
    h("div", { class: "tabs" }, ...sel.map((p, k) => h("button", { type: "button", class: k === voteIndex ? "current" : "",
      "data-vote-indicator": k, onclick: () => { voteIndex = k; chosenVoter = null; go("voting"); } }, String(k + 1)))),
    h("div", { class: "indicator" },
      ind?.picture ? h("img", { src: ind.picture, alt: "" }) : null,
      h("p", { class: "big", "data-current-indicator": prop.indicator || prop.text }, labelOf(prop)),
      ind?.audio ? h("button", { type: "button", class: "audio", onclick: () => play(ind.audio) }, "🔊 ", T.listen) : null),
    h("p", { class: "progress", "data-progress": `${mine.size}/${queue.length}` }, T.voted, ` ${mine.size} / ${queue.length}`),
    voter ? h("div", { class: "voter" },
      h("p", {}, T.voter, " ", h("strong", { "data-voter": voter.number }, `#${voter.number}`)),
      h("div", { class: "faces" }, ...appState.bundle.scale.map((s) => h("button", {
        type: "button", class: "face", "data-face": s.level, "aria-label": s.km || s.en,
        onclick: () => cast(s.level) },
        h("img", { src: s.face, alt: "" }), h("span", {}, s.km || s.en))))) :
      h("p", { class: "done" }, T.indicator_done),
    h("div", { class: "chips" }, ...queue.map((p) => h("button", { type: "button",
      class: "chip" + (mine.has(p.uuid) ? " voted" : ""), onclick: () => { chosenVoter = p.uuid; go("voting"); } },
      `#${p.number}`, mine.has(p.uuid) ? ` · ${mine.get(p.uuid).value}` : ""))),
    h("p", { "data-missing": missingVotes() }, T.missing.replace("%(n)s", missingVotes())),
    nextButton(T, "voting"));
}

// 6. results --------------------------------------------------------------------------
export function medianUp(counts) {
  // the ISAF app's rule: with an even number of votes, the higher of the two middle levels
  const n = counts.reduce((a, b) => a + b, 0);
  if (!n) return null;
  const rank = Math.floor(n / 2) + 1;
  let cum = 0;
  for (let k = 0; k < 5; k += 1) { cum += counts[k]; if (cum >= rank) return k + 1; }
  return 5;
}

function drawResults(T) {
  const byId = new Map(voters().map((p) => [p.uuid, p]));
  const all = votes();
  const fmt = (x) => (x === null ? "—" : x.toFixed(2));
  return h("div", {},
    h("h2", {}, T.steps.results),
    ...selected().map((prop) => {
      const vs = all.filter((v) => v.proposal === prop.uuid && byId.has(v.participant));
      const counts = [0, 0, 0, 0, 0];
      vs.forEach((v) => { counts[v.value - 1] += 1; });
      const avg = (test) => {
        const g = vs.filter((v) => test(byId.get(v.participant)));
        return g.length ? g.reduce((a, v) => a + v.value, 0) / g.length : null;
      };
      return h("section", { class: "result", "data-result": prop.indicator || prop.text },
        h("h3", {}, labelOf(prop)),
        h("p", {}, T.median, " ", h("strong", { "data-median": "" }, String(medianUp(counts) ?? "—")), ` · n = ${vs.length}`),
        h("table", { class: "levels" }, h("tr", {}, ...appState.bundle.scale.map((s) => h("th", {}, h("img", { src: s.face, alt: s.km || s.en })))),
          h("tr", {}, ...counts.map((c, k) => h("td", { "data-level": k + 1 }, String(c))))),
        h("table", { class: "groups" }, h("tr", {}, h("th", {}, T.everyone), h("td", {}, fmt(avg(() => true)))),
          ...GROUPS.map(([g, test]) => h("tr", {}, h("th", {}, T.groups[g]), h("td", { "data-average": g }, fmt(avg(test)))))));
    }),
    nextButton(T, "results"));
}

// 7. strengths, weaknesses, actions ---------------------------------------------------
function drawActions(T) {
  const notes = list("note").map((r) => ({ uuid: r.uuid, ...r.data }));
  return h("div", {},
    h("h2", {}, T.steps.actions),
    ...selected().map((prop, k) => {
      const text = h("input", { id: `note-${k}`, placeholder: T.note_text });
      const kind = h("select", { id: `note-kind-${k}` }, ...["strength", "weakness", "action"].map((x) => h("option", { value: x }, T.kinds[x])));
      const mine = notes.filter((n) => n.proposal === prop.uuid);
      return h("section", { class: "notes", "data-notes": prop.indicator || prop.text },
        h("h3", {}, labelOf(prop)),
        ...["strength", "weakness", "action"].map((x) => h("div", {}, h("h4", {}, T.kinds[x]),
          h("ul", {}, ...mine.filter((n) => n.kind === x).map((n) => h("li", {}, n.text,
            x === "action" ? h("label", { class: "choice small" }, h("input", { type: "checkbox", checked: n.chosen,
              onchange: (e) => save("note", n.uuid, { ...appState.records.get(n.uuid).data, chosen: e.target.checked }) }),
            h("span", {}, T.for_plan)) : null))))),
        h("div", { class: "row" }, kind, text, h("button", { type: "button", "data-add-note": k, onclick: () => {
          if (text.value.trim()) save("note", newUuid(), { proposal: prop.uuid, kind: kind.value, text: text.value.trim(), chosen: false, deleted: false });
        } }, T.add)));
    }),
    h("p", {}, h("a", { href: document.getElementById("meeting-app").dataset.detail }, T.review_page)));
}

const DRAW = { setup: drawSetup, participants: drawParticipants, proposals: drawProposals,
  priority: drawPriority, voting: drawVoting, results: drawResults, actions: drawActions };
