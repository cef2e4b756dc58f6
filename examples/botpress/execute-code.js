// Execute Code card: registers the incident with `mcnotify serve` and sets what the bot says.
// Configuration variables (Bot Settings, read here as env.NAME):
//   MCNOTIFY_URL         the bridge, e.g. https://mcnotify.example.com/v1/incidents
//   MCNOTIFY_TOKEN       the bridge token (the content of the serve-token file)
//   MCNOTIFY_TIMEOUT_MS  optional: a little over the bridge's deadline (10000 for its 8 s)
// Workflow variables read: machineCode, incidentType, location, description, contactEmail
// Workflow variables set:
//   incidentRegistered  true when the bridge has the incident (sent, or kept to send later)
//   incidentId          MailingCore's email id, or the outbox id when kept
//   incidentField       on invalid data: the workflow variable to ask for again
//   incidentReply       what to tell the user
const timeoutMs = Number(env.MCNOTIFY_TIMEOUT_MS) || 10000
// The bridge names a field by its JSON name; the workflow variable that holds it:
const variables = { code: 'machineCode', type: 'incidentType', location: 'location',
  description: 'description', contactEmail: 'contactEmail' }
const couldNot = 'Sorry, your incident could not be registered right now. ' +
  'Please try again in a few minutes, or call the helpdesk.'

workflow.incidentRegistered = false
workflow.incidentId = ''
workflow.incidentField = ''
try {
  const response = await axios.post(env.MCNOTIFY_URL, {
    schema: 'botpress-incident/v1',
    botId: event.botId,
    conversationId: event.conversationId,
    userId: event.userId,
    messageId: event.messageId,
    integration: event.integration,
    incident: {
      machineCode: workflow.machineCode,
      location: workflow.location,
      description: workflow.description,
      contactEmail: workflow.contactEmail,
      incidentType: workflow.incidentType
    }
  }, {
    headers: { Authorization: 'Bearer ' + env.MCNOTIFY_TOKEN },
    timeout: timeoutMs,
    validateStatus: () => true // every HTTP status is handled below
  })
  const answer = response.data || {}
  if (response.status === 201 || response.status === 200) {
    // 200 is a replay: the email of an earlier attempt stands
    workflow.incidentRegistered = true
    workflow.incidentId = answer.id
    workflow.incidentReply = 'Your incident has been registered successfully (reference ' +
      answer.id + '). Our technical team will contact you within 24 business hours.'
  } else if (response.status === 202) {
    // kept in the bridge's outbox: delivered when MailingCore is back
    workflow.incidentRegistered = true
    workflow.incidentId = answer.outboxId
    workflow.incidentReply = 'Your incident has been registered (reference ' + answer.outboxId +
      '). The helpdesk will receive it as soon as our mail service is back.'
  } else if (response.status === 422 && answer.errors && answer.errors.length > 0) {
    const field = answer.errors[0].field
    workflow.incidentField = variables[field] || field
    workflow.incidentReply = 'Something is wrong with what you gave: ' +
      answer.errors[0].message + '. Could you give it again?'
  } else {
    // 401 (token), 409 (key reused), 502 (refused), 500, 503 (busy), ...
    console.error('mcnotify answered ' + response.status + ': ' + (answer.error || ''))
    workflow.incidentReply = couldNot
  }
} catch (error) {
  // no answer: the bridge is unreachable, or slower than timeoutMs
  console.error('mcnotify did not answer: ' + error.message)
  workflow.incidentReply = couldNot
}
