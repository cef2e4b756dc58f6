#!/usr/bin/env node
// Runs execute-code.js outside Botpress, as its Execute Code card would: a minimal `axios`
// (Node's fetch with an AbortController timeout), `workflow`, `env`, `bot`, `user`,
// `event` and `conversation`. Reads {"env": {...}, "workflow": {...}, "event": {...}} as
// JSON on stdin and prints the workflow variables after the card as JSON on stdout.
//   node examples/botpress/run-card.js < context.json
'use strict'
const fs = require('fs')
const path = require('path')

// axios.post(url, data, {headers, timeout, validateStatus}): resolves with
// {status, data, headers}; rejects with error.response set when validateStatus (by
// default 2xx) refuses the status, and with error.code ECONNABORTED on a timeout.
const axios = {
  async post (url, data, config = {}) {
    const controller = new AbortController()
    const timer = config.timeout > 0
      ? setTimeout(() => controller.abort(), config.timeout)
      : null
    try {
      let res
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(config.headers || {}) },
          body: JSON.stringify(data),
          signal: controller.signal
        })
      } catch (e) {
        if (controller.signal.aborted) {
          const err = new Error('timeout of ' + config.timeout + 'ms exceeded')
          err.code = 'ECONNABORTED'
          throw err
        }
        throw e
      }
      const text = await res.text()
      let body = text
      try { body = JSON.parse(text) } catch (_) { /* not JSON: the text */ }
      const response = { status: res.status, data: body, headers: Object.fromEntries(res.headers) }
      const valid = config.validateStatus || (s => s >= 200 && s < 300)
      if (!valid(res.status)) {
        const err = new Error('Request failed with status code ' + res.status)
        err.response = response
        throw err
      }
      return response
    } finally {
      if (timer) clearTimeout(timer)
    }
  }
}

async function main () {
  const input = JSON.parse(fs.readFileSync(0, 'utf8') || '{}')
  const code = fs.readFileSync(path.join(__dirname, 'execute-code.js'), 'utf8')
  const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor
  const card = new AsyncFunction('axios', 'workflow', 'env', 'bot', 'user', 'event', 'conversation', code)
  const workflow = input.workflow || {}
  await card(axios, workflow, input.env || {}, input.bot || {}, input.user || {},
    input.event || {}, input.conversation || {})
  process.stdout.write(JSON.stringify(workflow) + '\n')
}

main().catch(e => { console.error(e); process.exit(1) })
