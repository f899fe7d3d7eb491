-- Content approval by the Additional SP (issue 6): who is asked, by when, what happens at the
-- deadline, the signed links of the waiting n8n execution, and whether it was resumed.

ALTER TABLE approvals
  ADD COLUMN approver_name   text,
  -- The officer's WhatsApp number (E.164): where the preview and links go. Officers, not citizens;
  -- the audit log still gets the masked form only.
  ADD COLUMN approver_phone  text,
  ADD COLUMN on_deadline     text NOT NULL DEFAULT 'reject' CHECK (on_deadline IN ('escalate', 'reject')),
  -- Second approver for an escalation: {"name", "phone", "windowMinutes"}.
  ADD COLUMN escalate_to     jsonb,
  -- n8n's signed resume URLs of this link set: {"approve", "reject", "changes", "settle"}. "settle"
  -- is never sent to anyone: the deadline sweep and the dashboard call it to resume the execution.
  ADD COLUMN links           jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN remind_at       timestamptz,
  ADD COLUMN reminded_at     timestamptz,
  ADD COLUMN settle_fired_at timestamptz,
  -- Set once, when the waiting execution is resumed with this decision: a second resume is a replay.
  ADD COLUMN resumed_at      timestamptz,
  ADD COLUMN escalated_from  bigint REFERENCES approvals(id),
  ADD COLUMN preview_wamid   text,
  ADD COLUMN decided_via     text,
  ADD COLUMN workflow_id     text,
  -- How the approver is messaged: {"messageType": "text"|"template", "templateName", "templateLanguage"}.
  ADD COLUMN message_options jsonb NOT NULL DEFAULT '{}';

ALTER TABLE approvals DROP CONSTRAINT approvals_decision_check;
ALTER TABLE approvals ADD CONSTRAINT approvals_decision_check
  CHECK (decision IN ('approved', 'rejected', 'changes_requested', 'expired', 'escalated', 'voided'));

CREATE INDEX approvals_by_content ON approvals (content_id, id);
CREATE INDEX approvals_due ON approvals (deadline_at) WHERE decision IS NULL;
CREATE INDEX approvals_unresumed ON approvals (decided_at) WHERE decision IS NOT NULL AND resumed_at IS NULL;
