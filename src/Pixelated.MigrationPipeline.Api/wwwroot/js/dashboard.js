// The dashboard's page script: refreshes the live parts of a page from the server-rendered fragment every 1.5 s, posts the
// operator forms with their antiforgery token and shows the answer, and draws the throughput chart (Chart.js, served from
// /lib/chartjs). No framework: the server renders every piece of HTML; this only fetches and swaps it.
(function () {
  'use strict';
  const POLL_MS = 1500;
  const FETCH = { 'X-Requested-With': 'fetch' };
  let chart = null;

  function token(form) {
    const input = form.querySelector('input[name="__RequestVerificationToken"]');
    return input ? input.value : '';
  }

  function applyStatus(root) {
    const summary = root.querySelector('[data-slot="summary"]');
    if (!summary) return;
    const status = summary.getAttribute('data-status');
    root.querySelectorAll('form[data-when]').forEach(function (form) {
      const allowed = form.getAttribute('data-when').split(' ').indexOf(status) >= 0;
      form.querySelectorAll('button').forEach(function (b) { b.disabled = !allowed; });
    });
  }

  function drawChart() {
    const canvas = document.getElementById('throughput');
    const source = document.getElementById('chart-data');
    if (!canvas || !source || typeof Chart === 'undefined') return;
    const data = JSON.parse(source.getAttribute('data-chart'));
    if (!chart) {
      chart = new Chart(canvas, {
        data: {
          labels: data.labels,
          datasets: [
            { type: 'line', label: 'items/s', data: data.items, yAxisID: 'y', borderColor: '#2563eb', backgroundColor: 'rgba(37,99,235,0.15)', fill: true, cubicInterpolationMode: 'monotone', pointRadius: 0 },
            { type: 'bar', label: 'Zep 429s', data: data.throttled, yAxisID: 'y429', backgroundColor: 'rgba(220,38,38,0.6)' }
          ]
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          interaction: { mode: 'index', intersect: false },
          scales: {
            x: { title: { display: true, text: 'time since staging ended (interval ' + data.step + ' s)' }, ticks: { maxTicksLimit: 10 } },
            y: { beginAtZero: true, title: { display: true, text: 'items/s' } },
            y429: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: '429s' }, ticks: { precision: 0 } }
          }
        }
      });
    } else {
      chart.data.labels = data.labels;
      chart.data.datasets[0].data = data.items;
      chart.data.datasets[1].data = data.throttled;
      chart.options.scales.x.title.text = 'time since staging ended (interval ' + data.step + ' s)';
      chart.update();
    }
  }

  function swap(container, html) {
    const fragment = document.createElement('template');
    fragment.innerHTML = html;
    const slots = fragment.content.querySelectorAll('[data-slot]');
    if (slots.length === 0) {
      container.innerHTML = html;
      return;
    }
    slots.forEach(function (slot) {
      const name = slot.getAttribute('data-slot');
      const target = container.querySelector('[data-slot="' + name + '"]');
      if (!target) return;
      Array.prototype.forEach.call(slot.attributes, function (a) { target.setAttribute(a.name, a.value); });
      if (!target.hasAttribute('data-keep')) target.innerHTML = slot.innerHTML;
    });
  }

  function live(container) {
    const url = container.getAttribute('data-live');
    let busy = false;
    async function refresh() {
      if (busy || document.hidden) return;
      busy = true;
      try {
        const response = await fetch(url, { headers: FETCH, credentials: 'same-origin', cache: 'no-store' });
        if (response.status === 401) { window.location.assign('/signin'); return; }
        if (!response.ok) { note('not updating (' + response.status + ')', true); return; }
        swap(container, await response.text());
        applyStatus(document);
        drawChart();
        note('live · updated ' + new Date().toLocaleTimeString(), false);
      } catch (e) {
        note('not updating (offline?)', true);
      } finally {
        busy = false;
      }
    }
    container.refresh = refresh;
    setInterval(refresh, POLL_MS);
  }

  function note(text, bad) {
    document.querySelectorAll('[data-live-note]').forEach(function (n) {
      n.textContent = text;
      n.classList.toggle('bad', bad);
    });
  }

  function message(form, text, bad) {
    const scope = form.closest('section') || document;
    const target = scope.querySelector('[data-message]') || document.querySelector('[data-message]');
    if (!target) return;
    target.textContent = text;
    target.classList.toggle('bad', bad);
  }

  async function post(form) {
    const body = new FormData(form);
    const reason = document.querySelector('[data-reason]');
    if (reason && reason.value) body.set('reason', reason.value);
    const response = await fetch(form.getAttribute('action'), {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: Object.assign({ 'RequestVerificationToken': token(form) }, FETCH)
    });
    let answer = {};
    try { answer = await response.json(); } catch (e) { /* an empty answer (403) */ }
    return { response: response, answer: answer };
  }

  document.addEventListener('submit', async function (event) {
    const form = event.target;
    if (!form.matches('form[data-action], form[data-start]')) return;
    event.preventDefault();
    const buttons = form.querySelectorAll('button');
    buttons.forEach(function (b) { b.disabled = true; });
    message(form, 'sending…', false);
    try {
      const { response, answer } = await post(form);
      if (response.status === 401) { window.location.assign('/signin'); return; }
      const text = answer.message || answer.detail || answer.title || ('HTTP ' + response.status);
      message(form, (response.ok ? '' : response.status + ': ') + text, !response.ok);
      if (response.ok && form.matches('form[data-start]') && answer.location) { window.location.assign(answer.location); return; }
      document.querySelectorAll('[data-live]').forEach(function (c) { if (c.refresh) c.refresh(); });
    } catch (e) {
      message(form, 'the request failed: ' + e, true);
    } finally {
      buttons.forEach(function (b) { b.disabled = false; });
      applyStatus(document);
    }
  });

  document.querySelectorAll('[data-live]').forEach(live);
  applyStatus(document);
  drawChart();
})();
