-- Every promised reply is sent or its failure shows on the complaint (issue 17 §1.5). The automatic
-- acknowledgement and the reply to each follow-up are rows of complaint_replies too, so their wamids
-- are followed through the status webhooks like the desk's messages, and a send Meta refused at once
-- leaves its code on the case. first_response_at still counts only officers (desk-repository.ts).
ALTER TABLE complaint_replies DROP CONSTRAINT complaint_replies_purpose_check;
ALTER TABLE complaint_replies ADD CONSTRAINT complaint_replies_purpose_check
  CHECK (purpose IN ('ack', 'follow_up', 'reply', 'forwarded', 'closed'));

-- Acknowledgements sent before this migration were kept only as complaints.reply_wamid: one row
-- each, at the time they went out, so the desk's "latest reply failed" sees them.
INSERT INTO complaint_replies (complaint_id, purpose, kind, wamid, sent_by, created_at)
SELECT id, 'ack', 'text', reply_wamid, 'system', coalesce(replied_at, created_at)
  FROM complaints WHERE reply_wamid IS NOT NULL
 ORDER BY id;
