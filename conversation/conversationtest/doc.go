// Package conversationtest is an in-memory fake of the UltraCart Conversation
// API for tests: an HTTP server on the loopback interface that speaks the same
// wire protocol as https://secure.ultracart.com/rest/v2, serves all 128
// operations of release 4.1.70, keeps its state in memory and checks every
// request and every response against the OpenAPI document the client is
// generated from.
//
// A test starts one with NewServer, which also builds a ready-to-use
// *conversation.Client:
//
//	func TestInbox(t *testing.T) {
//		srv := conversationtest.NewServer(t)
//		conv, err := srv.AddConversation(conversation.Conversation{})
//		...
//		_, err = srv.AddMessage(*conv.ConversationUUID, conversation.ConversationMessage{Body: &body})
//		// ... run the code under test with srv.Client, or with a client
//		// built from srv.URL and srv.Key, then inspect srv.
//	}
//
// srv.Client has its rate budget off (conversation.WithoutBudget): the fake
// has no rate limits, and a test may call it as fast and as concurrently as
// it likes. A client you build yourself keeps the default budget (one
// request at a time, a burst of 100, then 1,000 an hour) unless you pass
// conversation.WithoutBudget too.
//
// The seeding helpers and inspectors take and return the generated models
// of package gen, which package conversation re-exports as aliases:
// conversation.Conversation and gen.Conversation are the same type. Every
// seeding helper returns an error, and stores nothing, when what it would
// store does not pass the spec as the strictest client reads it: UltraCart's
// own SDKs throw on an enum value they do not list and on a string over its
// maxLength.
//
// # What the fake does
//
//   - Authentication: every request under /rest/v2 must carry the key in
//     x-ultracart-simple-key (Server.Key, random unless WithKey), or
//     "Authorization: Bearer <token>" when WithBearerToken is given. Anything
//     else is a 401 ErrorResponse with a UC-REST-ERROR header. The
//     X-UltraCart-Api-Version header is not required.
//   - Validation: requests are checked against the embedded OpenAPI document
//     (genspec.GetSpec) with kin-openapi: malformed JSON, wrong types, unknown
//     enum values, strings over their maximum length, date-times that are not
//     RFC 3339 or a _limit above 200 are a 400 ErrorResponse. Query booleans
//     may be true/false or 1/0 (what UltraCart's PHP SDK sends). An unknown
//     path is a 404 and a wrong method a 405, both with an ErrorResponse body.
//   - Responses: every response is checked against the same document before
//     it is sent (status, enums, lengths, date-times). One that does not pass
//     is a bug in the fake: it becomes a 500 naming the problem and fails the
//     test under NewServer (see WithoutResponseValidation).
//   - Errors always have success:false and error.developer_message,
//     error.user_message and error.error_code (the HTTP status as text).
//     References to anything that does not exist are a 400 naming it in
//     error.object_id, since the service documents no 404.
//   - Success bodies carry success:true and metadata when their schema has
//     them (a few, such as startConversation, getPbxAddresses and
//     getConversationsSearch, have neither). Void operations answer 204 with
//     no body.
//   - Faults: FailNext queues failures (429 with Retry-After, 5xx, delays,
//     dropped connections) for the next requests, optionally for one
//     operation only, so that retry and timeout handling can be tested.
//   - Inspection: Requests and RequestLog record what arrived; Conversation,
//     QueueStatus, Upload and List show the resulting state.
//
// # Stored kinds
//
// Most resources are kept alike, each as a stored JSON object: an insert
// assigns the identifier (one in the body is ignored) and fills in
// merchant_id, and returns the object as stored; a get reads it back
// exactly; an update replaces the whole object, keeping its identifier (a
// different one in the body is a 400); a delete removes it and answers what
// the operation documents (the deleted object, or nothing); a get, update or
// delete of what does not exist is a 400 with object_id. Properties the
// schema does not name are dropped (a null is a 400: the schema allows
// none). Lists return everything of
// the kind in the order given below, case-insensitively, then by
// identifier. The kinds, by their key in a seed file (WithSeedJSON) and
// their list order:
//
//	canned_messages            short_code; short_code required; oids from 1
//	departments                department_name; department_name required; oids
//	engagements                engagement_name; engagement_name required; oids
//	agent_profiles             name; keyed by user_id; an update keeps name
//	mcp_servers                priority; under a user_id; url required, https
//	knowledge_base_documents   document_id; under a user_id
//	pbx_addresses              friendly_name
//	pbx_agents                 full_name; an update keeps user_id and login
//	pbx_audios                 description
//	user_pbx_audios            description; under the calling agent's user_id
//	pbx_classes_of_service     name
//	pbx_hardware_phones        name; SIP username, password and domain made up
//	pbx_menus                  name
//	pbx_phone_numbers          phone_number; bought, never inserted
//	pbx_queues                 name
//	pbx_time_baseds            time_based_name
//	pbx_time_ranges            time_range_name
//	pbx_voicemail_mailboxes    voicemail_mailbox_id
//	agent_voicemails           newest first; the calling agent's
//	queue_voicemails           newest first; under a PBX queue's uuid
//	pbx_calls                  newest first (searchPbxCalls sorts by _sort)
//	pbx_cos_audit_logs         newest first
//	items                      keyed by merchant_item_id
//	customers                  for getConversationPbxCustomerSnapshot
//	permissions, virtual_agent_budget, virtual_agent_capabilities  (one each)
//
// Add and AddUnder seed any of them from a test, List and ListUnder read
// them. An update of the virtual agent budget keeps used_daily and
// used_monthly, and one of the capabilities keeps zoho_desk_available and
// zoho_desk_departments, when the body leaves them out: the service, not
// the caller, owns those.
//
// # Semantics worth knowing
//
//   - The caller is always one agent (WithAgent; "Fake Agent", user_id
//     DefaultAgentUserID, by default), who has an agent profile and a PBX
//     agent from the start. startConversation adds that agent and
//     add_conversation_participant_arns as participants; join and leave
//     change the agent's participation; markread clears unread_messages; the
//     webchat queue status update sets the agent's status in that queue,
//     adding the agent to it if needed. smsUnsubscribeConversation gives
//     every participant with an sms_phone_number the status "unsubscribed"
//     and a left_dts.
//   - getAgentProfile and updateAgentProfile act on the caller's profile and,
//     as documented, leave user_id out; getAgentProfiles lists every profile
//     with it. getConversationDepartmentMemberList lists every agent profile
//     (user_id, display_name or name, ai) as a possible member.
//   - Messages cannot be sent through this API (the real service takes them
//     over a websocket), so tests add them with AddMessage. Each message gets
//     a message_epoch in milliseconds, strictly increasing per conversation.
//   - getConversations lists summaries newest first, ordered by
//     last_message_dts, or start_dts when there is no message yet. medium
//     filters on the conversation medium ("sms" or "websocket"). before is an
//     RFC 3339 date-time: only conversations whose last activity is strictly
//     before it are listed; a value that is not RFC 3339 is a 400. _limit
//     defaults to 100 (0 also means the default), _offset to 0.
//     metadata.result_set carries count, offset, limit, more and
//     total_records, and next_offset when more is true. searchPbxCalls pages
//     the same way.
//   - getConversation returns the most recent limit messages (all when limit
//     is absent or 0), oldest first. getConversationMessages returns messages
//     whose message_epoch is strictly greater than since, oldest first, at
//     most limit of them: the next page starts at the last epoch returned.
//   - getConversationsSearch applies every filter given: date_start and
//     date_end select conversations active during the range (last active at
//     or after date_start, started at or before date_end); medium_filter,
//     visible_filter, language_filter and email_filter (case-insensitive)
//     match exactly, sms_phone_number_filter by digits ("+1 (555) 555-0123"
//     matches 5555550123); text_search is a case-insensitive substring of a
//     message body or a participant's name, email or phone. Results are
//     ordered by last activity, newest first unless order_by_oldest.
//     range_begin is the zero-based index of the first record and range_end
//     the index after the last (default range_begin+100); the answer echoes
//     the range it covers and the total, so the next page begins at its
//     range_end.
//   - getConversationsAutocomplete completes field email, sms_phone_number,
//     language, name (a participant's) or medium (with or without _filter):
//     the distinct values across the stored conversations that start with
//     the term, then those that contain it (case-insensitively), at most 20,
//     each described as "N conversations". Another field is a 400.
//   - Canned message search matches short_code case-insensitively as a
//     substring, prefix matches first, and honours max_results when it is
//     positive.
//   - getConversationMultimediaUploadUrl, getConversationPbxAudioUploadUrl and
//     getConversationKnowledgeBaseDocumentUploadUrl return a key and a
//     presigned-style URL on the fake itself, outside /rest/v2
//     (/upload/{key}?signature=...). A PUT there needs no UltraCart
//     credential, exactly like the real pre-signed storage URL; the fake
//     stores the bytes and records whether credentials were sent anyway
//     (Upload.CredentialsSent). A GET of /upload/{key} reads the file back.
//     A PBX audio inserted with the key of an upload gets its url and
//     mime_type. insertAgentProfileKnowledgeBaseDocument takes any
//     presigned_url; when it is one the fake handed out, the document's
//     s3_key is that upload's key and it has one chunk per 1,000 bytes
//     uploaded (one otherwise); document_id is original_file_name.
//   - Phone numbers: searchPbxAvailablePhoneNumbers offers fictional numbers
//     (NANP 555-0100 to 555-0199, which ring nobody) in a few US and CA area
//     codes, local (also for type mobile) or toll_free, that the fake does
//     not hold; contains matches digits, letters as on a keypad and * for any
//     digit. Another country has none. purchasePbxPhoneNumber buys such a
//     number (any other is a 400) with the routing requested.
//     protectPbxPhoneNumber sets deletion_protected, after which a delete is
//     a 400; updates keep phone_number and deletion_protected when left out.
//   - regeneratePasswordForPbxHardwarePhone sets a new sip_password and
//     returns the phone; its body is not used. The fake returns sip_password
//     on every read, not only after insert and regeneration.
//   - getPbxAudioUsage lists the menus, queues and voicemail mailboxes that
//     name the audio's uuid. Deletes do not check references.
//   - Voicemails (AddVoicemail) are listed newest first as summaries; the
//     listened operations set listened. resetConversationPbxQueueStatistics
//     accepts an existing PBX queue and changes nothing: the fake keeps no
//     statistics.
//   - searchPbxCalls over the call records (AddCall) applies every filter
//     given: start_date and end_date are inclusive and take a date
//     (2026-04-01, the whole day) or an RFC 3339 date-time (without a zone,
//     UTC); phone_number
//     matches by digits, customer_name and transcript_search as
//     case-insensitive substrings; search_term goes to the email when it
//     has an @, the phone number when it is digits, the call uuid when it is
//     a UUID, and names, caller id, status and disposition otherwise. _sort
//     takes comma-separated properties of the call (or duration), each
//     ascending unless prefixed with - or followed by " desc";
//     -created_at_dts by default.
//   - getPbxCosAuditLogs lists entries newest first, strictly after since
//     (read as start_date is), filtered by agent_login and action, at most
//     limit (default 100).
//   - getConversationPbxCustomerSnapshot returns the seeded customers with
//     the phone number in a billing or shipping phone, compared by digits,
//     and their orders; the expand parameters are not used.
//   - getAgentProfileMcpTools returns the same sample tool list for every
//     MCP server: the fake connects to none. getConversationItemVariations
//     reads a seeded item. getLocationsForEngagement and
//     getPbxHardwarePhoneManufacturers return fixed reference data.
//   - getAgentWebsocketAuthorization returns a JWT-shaped token (three
//     base64url segments, HS256-signed with a per-server random secret), a
//     websocket URL on the fake (not served: the fake has no websocket), the
//     agent's participant ARN and name.
//   - Time comes from WithClock (time.Now by default).
//
// The standalone command github.com/ultracart-community/ultracart-go/cmd/ultracart-fake
// serves the same fake on a TCP address, for clients in any language.
package conversationtest
