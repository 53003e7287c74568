// Package conversationtest is an in-memory fake of the UltraCart Conversation
// API for tests: an HTTP server on the loopback interface that speaks the same
// wire protocol as https://secure.ultracart.com/rest/v2, serves every
// operation of the release the client speaks (Server.Release: all 140 of
// 4.1.86), keeps its state in memory and checks every request and every
// response against the OpenAPI document the client is generated from.
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
//     These 400s name the release the fake serves (Server.Release).
//   - Nothing dropped in silence: a request body property, at any depth, or
//     a query parameter that the operation does not define in the release
//     the fake serves (one a newer release added, or a misspelling) is a
//     400 naming each of them and the release, where the real service
//     would ignore it and a read-back would lack it. With
//     WithUnknownProperties(KeepUnknown) it is accepted instead, with a log
//     line (WithLogf), and kept on the objects the fake stores. Seed
//     documents are held to the same rule.
//   - Responses: every response is checked against the same document before
//     it is sent (status, enums, lengths, date-times). One that does not pass
//     is a bug in the fake: it becomes a 500 naming the problem and fails the
//     test under NewServer (see WithoutResponseValidation).
//   - Errors always have success:false and error.developer_message,
//     error.user_message and error.error_code (the HTTP status as text).
//     References to anything that does not exist are a 400 naming it in
//     error.object_id, since the service documents no 404: for a call
//     without a body (a get, a delete, markread) that names the missing
//     object in its path, that is the answer conversation.ErrNotFound
//     matches.
//   - Rules beyond the schema: what UltraCart's documents make clear is
//     checked on every insert, update and seed (see "Rules beyond the
//     schema" below), with a 400 whose message says what to send instead.
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
// exactly; an update replaces the whole object, as the service's do,
// keeping its identifier (a different one in the body is a 400; a field the
// body leaves out is gone: package conversation's Modify<Noun> helpers read,
// change and write back whole); a delete removes it and answers what
// the operation documents (the deleted object, or nothing); a get, update or
// delete of what does not exist is a 400 with object_id. A property the
// schema does not name is a 400 (or kept, with KeepUnknown), and so is a
// null: the schema allows none. Lists return everything of
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
//	pbx_classes_of_service     name; name required
//	pbx_hardware_phones        name; name required; SIP username, password and domain made up
//	pbx_menus                  name; name required
//	pbx_phone_numbers          phone_number; bought, never inserted
//	pbx_queues                 name; name required
//	pbx_time_baseds            time_based_name; time_based_name required
//	pbx_time_ranges            time_range_name; time_range_name required
//	pbx_voicemail_mailboxes    voicemail_mailbox_id; voicemail_mailbox_id required
//	agent_voicemails           newest first; the calling agent's
//	queue_voicemails           newest first; under a PBX queue's uuid
//	pbx_calls                  newest first (searchPbxCalls sorts by _sort)
//	pbx_cos_audit_logs         newest first
//	items                      keyed by merchant_item_id
//	customers                  for getConversationPbxCustomerSnapshot
//	agent_status_configs       sort_order; name, channel and parent_status required
//	agent_status_events        newest first; agent_user_id, channel and new_status required
//	permissions, virtual_agent_budget, virtual_agent_capabilities, pbx_default_timezone  (one each)
//
// Add and AddUnder seed any of them from a test, List and ListUnder read
// them. An update of the virtual agent budget keeps used_daily and
// used_monthly, and one of the capabilities keeps zoho_desk_available and
// zoho_desk_departments, when the body leaves them out: the service, not
// the caller, owns those.
//
// # Custom agent statuses and the status reports
//
//   - A custom status (insertAgentStatusConfig) gets what the service
//     derives: routing_effect from parent_status (see the decisions below),
//     a Twilio activity (twilio_activity_sid, made up) when its channel is
//     pbx or both, which it keeps for life, none for chat; created_at and
//     updated_at; active true unless the body says otherwise. An update
//     keeps those (but updated_at and a new routing effect) whatever the
//     body says. deleteAgentStatusConfig deactivates, as documented: the
//     status stays listed with active false, and an update may activate it
//     again. At most 20 statuses may be active, and at most 50 have a
//     Twilio activity (deactivated ones keep theirs): beyond, a 400.
//   - The webchat queue status update may pick a custom status
//     (custom_status_uuid: one that exists, is active and is for chat or
//     both; custom_status_name defaults to its name, and alone is a 400).
//     The agent's entry in the queue carries agent_user_id and the custom
//     status, cleared by an update without one. Each change of status is
//     recorded as a manual status event on the chat channel.
//   - Status events are what the reports are computed from. Tests and seed
//     documents add them with AddAgentStatusEvent (or Add, or
//     agent_status_events in WithSeedJSON): agent_user_id, channel and
//     new_status are required, and the fake fills in the rest as the
//     service records it: event_dts (now), agent_name and agent_type from
//     the agent's profile or PBX agent, agent_identifier (client:<login>
//     on the PBX, the calling agent's participant ARN on chat), trigger
//     manual, parent_merchant_id, the routing effect of the new status (a
//     custom status's own, its name as custom_status_name), and from the
//     agent's previous event on the channel previous_status, its routing
//     effect and duration_in_previous_seconds. Add an agent's events in
//     time order.
//   - An event starts a stretch of time in its status, on its channel,
//     until the agent's next event on that channel or until now; after
//     new_status "offline" nothing is tracked (the agent logged out).
//     Available time counts busy time too ("incl. Busy"); the breakdowns
//     name a custom status by its name, another by new_status. Days (every
//     YYYY-MM-DD of the reports, and rollup_date) are days of the PBX
//     default time zone.
//   - searchAgentStatusHistory applies every filter given (agent_user_id,
//     channel, status as new_status case-insensitively, trigger, and
//     date_start and date_end as days or RFC 3339 date-times, both ends
//     included), newest first, paged by _limit (default 100, at most 200)
//     and _offset, with total and metadata.result_set.
//   - searchAgentStatusRollups has one row per agent, day and channel with
//     time tracked or calls (pbx: calls_taken) or chats (chat:
//     chats_handled) that day, oldest day first, then by agent name; a
//     range left open runs from the first event or activity to today.
//     getAgentStatusSummary sums the range per agent over both channels;
//     total_agents counts the agents with an event in the range.
//     getAgentStatusHeatmap (date_start, date_end and metric required)
//     has an agent per row (by name, as the profiles name them now) and an
//     hour per column (0 to 23), each cell averaged over the range's days:
//     the percent of the hour available (on the channel given, else on
//     either), or the calls or chats begun in it; cells of 0 are left out.
//     getAgentStatusTimeline has an agent's day: its events oldest first,
//     its calls (from the call records' agents, by agent_user_id or
//     agent_id) and chats (conversations with the agent as a participant),
//     and a summary (avg_handle_time_seconds over the calls' talk time and
//     the chats' length); an agent with no profile, PBX agent or event is a
//     400 naming it.
//   - availability_pct and avg_available_pct are numbers and the heatmap's
//     data rows [agent_index, hour, value] arrays, as their descriptions
//     say, though the official SDKs type them as objects (the spec keeps
//     that type; the client reads the fields as json.RawMessage, so either
//     way decodes). The fake checks these four as any JSON value.
//   - getPbxDefaultTimezone answers America/New_York until
//     updatePbxDefaultTimezone sets an IANA zone (anything else is a 400);
//     seed pbx_default_timezone to start with another.
//   - getPbxVoicemailCapabilities answers what the virtual agent
//     capabilities say of Zoho Desk (zoho_desk_available and its
//     departments): the fake has one answer to "is Zoho Desk connected".
//   - What the service derives read only: agent authorization's
//     parent_merchant_id (the merchant itself) and merchants (itself, the
//     parent); a customer's day_phone_e164 and evening_phone_e164 from the
//     phones, when they read as E.164 or North American numbers.
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
//     mime_type; an insert naming an audio_s3_listing_key the fake did not
//     hand out for PBX audio, or one nothing was PUT to, is a 400.
//     insertAgentProfileKnowledgeBaseDocument takes a presigned_url that
//     getConversationKnowledgeBaseDocumentUploadUrl handed out for the same
//     agent, once a file was PUT there (anything else is a 400: the service
//     reads the document from it); the document's s3_key is that upload's
//     key, it has one chunk per 1,000 bytes uploaded, and its document_id is
//     original_file_name.
//   - Phone numbers: searchPbxAvailablePhoneNumbers offers fictional numbers
//     (NANP 555-0100 to 555-0199, which ring nobody) in a few US and CA area
//     codes, local (also for type mobile) or toll_free, that the fake does
//     not hold; contains matches digits, letters as on a keypad and * for any
//     digit. Another country has none. purchasePbxPhoneNumber buys a number
//     that a search of this server offered, spelled as offered (E.164), and
//     that no phone number holds (any other is a 400), with the routing
//     requested.
//     protectPbxPhoneNumber sets deletion_protected, after which a delete is
//     a 400; updates keep phone_number and deletion_protected when left out.
//   - regeneratePasswordForPbxHardwarePhone sets a new sip_password and
//     returns the phone; its body is not used. The fake returns sip_password
//     on every read, not only after insert and regeneration.
//   - getPbxAudioUsage lists the menus, queues and voicemail mailboxes that
//     name the audio's uuid.
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
// # Rules beyond the schema
//
// The schema says which properties exist, their types, enums and lengths;
// UltraCart's field descriptions say more, and the fake holds objects to
// it, as the service must (rules.go, refs.go). On every insert and update,
// and on everything seeded:
//
//   - References exist. A PBX action's target (a menu's default action and
//     mappings, a time-based route's mappings and default mapping, a phone
//     number's routing, a purchase's) names an object of the action's type:
//     "time based" a time-based route, "menu" a menu, "queue" a queue,
//     "voicemail" a voicemail mailbox, "agent" a PBX agent. A time-based
//     mapping's time_range_uuid, a class of service's time_range_uuid, a
//     queue's conversation_voicemail_mailbox_uuid, a PBX agent's cos_uuid,
//     default_phone_number_uuid, hardware phones and mailboxes, a hardware
//     phone's agent, and every *_audio_uuid of menus, queues, mailboxes and
//     agents (PBX audio or an agent's own) name objects that exist. A
//     queue's members.users and an agent mailbox's user_id are user ids of
//     PBX agents. A broken reference is a 400 naming the property, with
//     the missing id in error.object_id.
//   - Actions are documented values, with a target, and a target has an
//     action: a menu's default_action, which the schema leaves a plain
//     string, is checked against the same five values as the others. Each
//     menu mapping and time-based mapping has an action, each time-based
//     mapping a time range.
//   - Names are present, on insert and on every update (an update replaces
//     the whole object): a queue's, menu's and class of service's name, a
//     time range's time_range_name, a time-based route's time_based_name, a
//     mailbox's voicemail_mailbox_id, a hardware phone's name (with the
//     required properties listed under Stored kinds).
//   - A time range's timezone is an IANA zone name (time.LoadLocation, with
//     the zone database embedded; "Local" and "" are refused); start_time
//     and end_time are 24-hour HH:MM or HH:MM:SS; start_day_of_week and
//     end_day_of_week are 0 to 7; an end_date is not before its start_date.
//   - A class of service's allowed_countries are E.164 calling codes ("1",
//     "44"), as documented, not ISO country codes.
//   - Amounts are not negative: the virtual agent's budgets and usage, a
//     menu's timeout and mapping digits, a queue's seconds and counts.
//   - Search ranges are ordered: getConversationsSearch's range_end after
//     range_begin (0 meaning a page of 100) and date_end not before
//     date_start; searchPbxCalls's end_date not before start_date and
//     max_duration_seconds not below min_duration_seconds.
//   - An MCP server's url is https; auth_method "header" needs header_name,
//     "basic" basic_user_name.
//   - A purchase names a number "in E.164 format (from search results)":
//     one a search of this server offered, spelled as offered.
//
// A seed document's objects may refer to each other in any order: their
// references are checked once the whole document is stored. Add checks
// them at once, so add what is referred to first.
//
// # Decisions on open semantics
//
// Where the documents are silent, the fake (and package conversation)
// decided as follows.
//
//   - A missing object is a 400 ErrorResponse whose error.object_id is the
//     identifier as the path gave it (an oid in decimal), and whose
//     developer_message says "<kind> "<id>" does not exist". The client's
//     ErrNotFound matches a 400 whose object_id is a path value of a
//     request that sent no body (and any 404); a missing object named in a
//     request with a body, or in a body, is only ErrBadRequest.
//   - Day-of-week numbering is not documented: 1 may be Monday (ISO 8601,
//     java.time) or Sunday (java.util.Calendar), and 0 may be Sunday
//     (JavaScript). The fake accepts 0 to 7, which every one of these
//     numberings falls within, and does not interpret the value.
//   - Time of day is not documented beyond "Start time": the fake reads
//     24-hour HH:MM (the demo data's 09:00 and 17:00), seconds allowed,
//     00:00 to 23:59:59; "9am", "9:00" and "24:00" are refused.
//   - A time range without a timezone is accepted: it presumably follows
//     the PBX default time zone (getPbxDefaultTimezone).
//   - An upload's extension: the upload URL operations take "pdf" or
//     ".pdf" alike; the client's Upload helpers send it without the dot.
//   - The upload that an insert names must exist and hold a file: the
//     service reads the file from it.
//   - A custom status's parent_status is "channel-native" and undocumented
//     beyond that: the fake takes the three routing effects (available,
//     busy, unavailable) and Twilio's default activities (Available,
//     Unavailable, Offline, read as unavailable), in any case, and derives
//     routing_effect from them; anything else is a 400.
//   - A status change through the webchat queue status update is an event
//     only when the status or the custom status changes.
//
// # Where the fake is still lenient
//
// It accepts, where the service may refuse or act otherwise:
//
//   - Deletes do not check references: a queue a menu routes to can be
//     deleted, and the menu's next update is then refused.
//   - A class of service's default_flag ("only one per merchant") may be
//     set on several; the fake neither refuses nor clears the others.
//   - A queue's members.groups, a phone number's or purchase's address_sid,
//     a queue's automatic_coach_agent_uuid and zoho_desk_department_id, and
//     the zoho fields of mailboxes and capabilities name things the fake
//     does not model, and are taken as given.
//   - Menu mappings may repeat digits; wait_warning_seconds may exceed
//     wait_critical_seconds; a budget_daily may exceed budget_monthly;
//     start_time may be after end_time (a range over midnight).
//   - A mailbox's send_notices_to_channel "email" needs no
//     send_notices_to_email, nor "zoho_desk_ticket" a department.
//   - Text fields (say, speech, descriptions) are taken as given, within
//     their documented lengths; phone numbers of agents (cellphone) are not
//     checked as E.164.
//   - An audio's audio_s3_listing_key is checked on insert only, and seeded
//     objects may name keys the fake never handed out.
//   - A custom status's name need not be unique; the queue status update's
//     custom_status_name is kept as sent, and its agent_status is not held
//     to the custom status's routing effect.
//   - The customer snapshot's search_linked_accounts changes nothing: the
//     fake has no linked accounts.
//
// The standalone command github.com/ultracart-community/ultracart-go/cmd/ultracart-fake
// serves the same fake on a TCP address, for clients in any language.
package conversationtest
