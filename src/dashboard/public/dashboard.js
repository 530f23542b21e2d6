// The dashboard: one GraphQL request per view, to the same public API any client uses.
// The view (filters) lives in the URL query string, so a link reproduces it.
/* global Chart */
'use strict';

const TOP = 8;
const DEFAULTS = { actor: '', subordinates: '', country: '', from: '', to: '', interval: 'YEAR', rollUp: 'NONE' };
const FIELDS = Object.keys(DEFAULTS);

const DASHBOARD_QUERY = `
  query Dashboard($filter: IncidentFilter, $interval: TimeInterval!, $from: String, $to: String,
                  $rollUp: ActorRollUp!, $top: Int!, $actorName: String!, $hasActor: Boolean!) {
    actor: threatActorByName(name: $actorName) @include(if: $hasActor) { name }
    incidentStats(filter: $filter) {
      total
      timeline(interval: $interval, from: $from, to: $to) { buckets { label count } undated imprecise outsideRange }
      byAccusedActor(top: $top, rollUp: $rollUp) { groups { key label count } other otherGroups none }
      byTargetCountry(top: $top) { groups { key label count } other otherGroups none }
      attributionLag {
        overall { count median lowerQuartile upperQuartile }
        byAttributingKind { kind count median lowerQuartile upperQuartile }
        distribution { label count }
        impreciseStart undatedStart undatedAttribution
      }
    }
  }`;

// Names matching what was typed, asked as the user types: the catalogue holds over a thousand actors.
const ACTOR_NAMES_QUERY = `query ($search: String) { threatActors(filter: { search: $search }, first: 20) { nodes { name aliases { name } } } }`;

const charts = {};

async function graphql(query, variables) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors && body.errors.length) throw new Error([...new Set(body.errors.map((e) => e.message))].join('; '));
  return body.data;
}

/** The view in the URL: only the fields that differ from the defaults. */
function viewFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const view = { ...DEFAULTS };
  for (const field of FIELDS) if (params.has(field)) view[field] = params.get(field).trim();
  return view;
}

function urlOf(view) {
  const params = new URLSearchParams();
  for (const field of FIELDS) if (view[field] && view[field] !== DEFAULTS[field]) params.set(field, view[field]);
  const query = params.toString();
  return `${window.location.pathname}${query ? `?${query}` : ''}`;
}

function viewFromForm(form) {
  const data = new FormData(form);
  const view = { ...DEFAULTS };
  for (const field of FIELDS) view[field] = String(data.get(field) ?? '').trim();
  return view;
}

function showInForm(form, view) {
  for (const field of FIELDS) {
    const input = form.elements.namedItem(field);
    if (input.type === 'checkbox') input.checked = view[field] === '1';
    else input.value = view[field];
  }
}

function variablesOf(view) {
  const filter = {};
  if (view.actor) filter.actor = view.actor;
  if (view.actor && view.subordinates === '1') filter.includeSubordinateActors = true;
  if (view.country) filter.targetCountry = view.country;
  if (view.from) filter.occurredFrom = view.from;
  if (view.to) filter.occurredTo = view.to;
  return {
    filter,
    interval: view.interval,
    from: view.from || null,
    to: view.to || null,
    rollUp: view.rollUp,
    top: TOP,
    actorName: view.actor,
    hasActor: Boolean(view.actor),
  };
}

const PALETTE = ['#3b5b92', '#c0504d', '#4f9a94', '#e0a030', '#7a5195', '#5a8f29', '#d45087', '#8c8c8c'];

/** Draws (or redraws) a chart and records what it shows on its figure, for people and for tests. */
function draw(name, type, labels, values, options = {}) {
  const figure = document.querySelector(`[data-chart="${name}"]`);
  figure.dataset.labels = JSON.stringify(labels);
  figure.dataset.values = JSON.stringify(values);
  const horizontal = options.horizontal === true;
  const config = {
    type,
    data: {
      labels,
      datasets: [{
        label: options.label ?? 'Incidents',
        data: values,
        backgroundColor: horizontal ? labels.map((label, i) => (label.startsWith('Other') ? '#b8b8b8' : PALETTE[i % PALETTE.length])) : PALETTE[0],
        borderWidth: 0,
        maxBarThickness: 56,
      }],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: horizontal ? 'y' : 'x',
      plugins: { legend: { display: false } },
      scales: {
        [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  };
  if (charts[name]) charts[name].destroy();
  charts[name] = new Chart(document.getElementById(`chart-${name}`), config);
}

/** Bars for the top groups, plus one "Other" bar for the rest. */
function breakdownBars(breakdown) {
  const labels = breakdown.groups.map((g) => g.label);
  const values = breakdown.groups.map((g) => g.count);
  if (breakdown.other > 0) {
    labels.push(`Other (${breakdown.otherGroups})`);
    values.push(breakdown.other);
  }
  return [labels, values];
}

const days = (value) => (value === null || value === undefined ? '–' : String(Math.round(value * 10) / 10));
const kindName = (kind) => (kind ? kind.toLowerCase().replace(/_/g, ' ') : 'person (no organization)');

function render(data, view) {
  const stats = data.incidentStats;
  document.getElementById('total').textContent = String(stats.total);
  document.getElementById('attributed').textContent = String(stats.total - stats.byAccusedActor.none);
  document.getElementById('lag-median').textContent = days(stats.attributionLag.overall.median);

  const timeline = stats.timeline;
  draw('timeline', 'bar', timeline.buckets.map((b) => b.label), timeline.buckets.map((b) => b.count));
  const notes = [];
  if (timeline.imprecise) notes.push(`${timeline.imprecise} dated less precisely than a ${view.interval.toLowerCase()}`);
  if (timeline.undated) notes.push(`${timeline.undated} undated`);
  if (timeline.outsideRange) notes.push(`${timeline.outsideRange} outside the range`);
  document.getElementById('timeline-note').textContent = notes.length ? `(not shown: ${notes.join(', ')})` : '';

  draw('actors', 'bar', ...breakdownBars(stats.byAccusedActor), { horizontal: true });
  draw('countries', 'bar', ...breakdownBars(stats.byTargetCountry), { horizontal: true });

  const lag = stats.attributionLag;
  draw('lag', 'bar', lag.distribution.map((b) => b.label), lag.distribution.map((b) => b.count));
  const excluded = lag.impreciseStart + lag.undatedStart + lag.undatedAttribution;
  document.getElementById('lag-note').textContent =
    `(${lag.overall.count} measured; ${excluded} without a day-precise start or a dated attribution)`;
  const rows = lag.byAttributingKind.map((k) => {
    const row = document.createElement('tr');
    for (const text of [kindName(k.kind), String(k.count), days(k.median), `${days(k.lowerQuartile)}–${days(k.upperQuartile)}`]) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  });
  document.querySelector('#lag-by-kind tbody').replaceChildren(...rows);
  const figure = document.querySelector('[data-chart="lag-by-kind"]');
  figure.dataset.labels = JSON.stringify(lag.byAttributingKind.map((k) => k.kind));
  figure.dataset.values = JSON.stringify(lag.byAttributingKind.map((k) => k.median));
}

function describe(view, actorName) {
  const parts = [];
  if (view.actor) {
    const named = actorName && actorName.toLowerCase() !== view.actor.toLowerCase() ? `${actorName} (“${view.actor}”)` : actorName ?? view.actor;
    parts.push(`attributed to ${named}${view.subordinates === '1' ? ' or actors below it' : ''}`);
  }
  if (view.country) parts.push(`targeting ${view.country}`);
  if (view.from || view.to) parts.push(`going on ${view.from ? `from ${view.from}` : ''}${view.from && view.to ? ' ' : ''}${view.to ? `to ${view.to}` : ''}`);
  return parts.length ? `Incidents ${parts.join(', ')}.` : 'All incidents.';
}

let latest = 0;
async function load(view) {
  const request = ++latest;
  const status = document.getElementById('status');
  document.body.dataset.state = 'loading';
  status.textContent = 'Loading…';
  try {
    const data = await graphql(DASHBOARD_QUERY, variablesOf(view));
    if (request !== latest) return; // a newer view was asked for meanwhile
    render(data, view);
    status.textContent = describe(view, data.actor && data.actor.name);
    document.body.dataset.state = 'ready';
  } catch (error) {
    if (request !== latest) return;
    status.textContent = `Could not load: ${error.message}`;
    document.body.dataset.state = 'error';
  }
}

async function loadActorNames(search) {
  try {
    const data = await graphql(ACTOR_NAMES_QUERY, { search: search || null });
    const names = new Set(data.threatActors.nodes.flatMap((a) => [a.name, ...a.aliases.map((alias) => alias.name)]));
    document.getElementById('actor-names').replaceChildren(
      ...[...names].sort().map((name) => Object.assign(document.createElement('option'), { value: name })),
    );
  } catch {
    // Suggestions are a convenience; the filter works without them.
  }
}

function start() {
  const form = document.getElementById('filters');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const view = viewFromForm(form);
    window.history.pushState(null, '', urlOf(view));
    void load(view);
  });
  document.getElementById('reset').addEventListener('click', () => {
    showInForm(form, DEFAULTS);
    window.history.pushState(null, '', urlOf(DEFAULTS));
    void load(DEFAULTS);
  });
  window.addEventListener('popstate', () => {
    const view = viewFromUrl();
    showInForm(form, view);
    void load(view);
  });
  const view = viewFromUrl();
  showInForm(form, view);
  void load(view);
  void loadActorNames();
  let typing;
  form.elements.actor.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => void loadActorNames(form.elements.actor.value.trim()), 200);
  });
}

document.addEventListener('DOMContentLoaded', start);
