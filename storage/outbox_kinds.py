"""What an outbox row asks for: its `kind`, and the payload each carries (storage.outbox writes
and claims the rows; bot/ delivers each kind). Re-exported by storage.outbox.
"""

# What a row asks for. Slack card rows carry only the ticket id: the card is drawn from the
# ticket's state at delivery, so a late delivery shows the newest state, never an old one.
SLACK_TRIAGE_CARD = "slack.triage_card"
SLACK_REPORTER_CARD = "slack.reporter_card"
SLACK_ENGINEER_CARD = "slack.engineer_card"
SLACK_EVENT_REPLY = "slack.event_reply"  # payload: event_id, audience
SLACK_INCIDENT_CARD = "slack.incident_card"  # payload: incident_id; its card in the triage channel
# payload: incident_id, ticket_id, event_id: the owner of a resolved incident hears a ticket of it reopened
SLACK_INCIDENT_NOTICE = "slack.incident_notice"
# Bursts (storage.bursts): each filing is checked, one at a time (stream BURSTS), for N similar
# tickets within M minutes; a burst found is one suggestion in the triage channel, redrawn in place.
BURST_CHECK = "burst.check"  # payload: ticket_id
SLACK_BURST_SUGGESTION = "slack.burst_suggestion"  # payload: suggestion_id
BURSTS = "bursts"
SLACK_SOURCE_REPLY = "slack.source_reply"  # the number, in the thread of the message a ticket came from
SLACK_REACTION = "slack.reaction"  # payload: channel, ts, name: ✅ on a thread message once relayed
# payload: ticket_id, event_id, to (an audience or None), from (the card they were shared under): the
# Slack files of a thread message, fetched and stored, then uploaded into the `to` card's thread.
SLACK_FILES = "slack.files"
SLACK_RELAYED_COPY = "slack.relayed_copy"  # payload: ticket_id, event_id, audience: an edit or deletion
# Excel exports: minutes of work each, so a dispatcher of their own delivers them (`kinds`).
SLACK_EXPORT = "slack.export"  # payload: see exports.service
SLACK_EXPORT_FAILED = "slack.export_failed"  # tell the requester an export went dead
# Digests and reports (bot.digests): figures computed by the job travel in the payload.
SLACK_DIGEST = "slack.digest"  # payload: channel, digest (storage.digest_payloads.DailyDigest)
SLACK_DIGEST_DM = "slack.digest_dm"  # payload: user_id, summary (storage.digest_payloads.EngineerSummary)
EMAIL_REPORT = "email.report"  # the weekly workbook mailed to one address: writes it, so an export kind
# Charts (bot.charts): drawn and uploaded on the export dispatcher, one at a time, never in a request.
SLACK_CHART = "slack.chart"  # payload: key, user_id, trend (storage.charts.Trend): a Home tab's chart
SLACK_REPORT_CHARTS = "slack.report_charts"  # payload: channel, week_of, trend, breakdown
SLACK_FILE_DELETE = "slack.file_delete"  # payload: file_id, an old chart's file
EXPORT_KINDS = (
    SLACK_EXPORT,
    SLACK_EXPORT_FAILED,
    EMAIL_REPORT,
    SLACK_CHART,
    SLACK_REPORT_CHARTS,
    SLACK_FILE_DELETE,
)
