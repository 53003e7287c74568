// Package conversationtest is an in-memory fake of the UltraCart Conversation
// API for tests: an HTTP server on the loopback interface that speaks the same
// wire protocol as https://secure.ultracart.com/rest/v2, implements all 23
// operations, keeps its state in memory and checks every request against the
// OpenAPI document the client is generated from.
//
// A test starts one with NewServer, which also builds a ready-to-use
// *conversation.Client:
//
//	func TestInbox(t *testing.T) {
//		srv := conversationtest.NewServer(t)
//		conv := srv.AddConversation(conversation.Conversation{})
//		srv.AddMessage(*conv.ConversationUUID, conversation.ConversationMessage{Body: &body})
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
// conversation.Conversation and gen.Conversation are the same type.
//
// # What the fake does
//
//   - Authentication: every request under /rest/v2 must carry the key in
//     x-ultracart-simple-key (Server.Key, random unless WithKey), or
//     "Authorization: Bearer <token>" when WithBearerToken is given. Anything
//     else is a 401 ErrorResponse with a UC-REST-ERROR header.
//   - Validation: requests are checked against the embedded OpenAPI document
//     (genspec.GetSpec) with kin-openapi: malformed JSON, wrong types, unknown
//     enum values or a _limit above 200 are a 400 ErrorResponse. An unknown
//     path is a 404 and a wrong method a 405, both with an ErrorResponse body.
//   - Errors always have success:false and error.developer_message,
//     error.user_message and error.error_code (the HTTP status as text).
//     References to a conversation, queue or oid that does not exist are a
//     400, since the service documents no 404.
//   - Success bodies carry success:true and metadata, except the two whose
//     schema has neither (startConversation and getConversationContext).
//     Void operations answer 204 with no body.
//   - Faults: FailNext queues failures (429 with Retry-After, 5xx, delays,
//     dropped connections) for the next requests, optionally for one
//     operation only, so that retry and timeout handling can be tested.
//   - Inspection: Requests and RequestLog record what arrived; Conversation,
//     QueueStatus and Upload show the resulting state.
//
// # Semantics worth knowing
//
//   - The caller is always one agent (WithAgent; "Fake Agent" by default).
//     startConversation adds that agent and add_conversation_participant_arns
//     as participants; join and leave change the agent's participation;
//     markread clears unread_messages; the queue status update sets the
//     agent's status in that queue, adding the agent to it if needed.
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
//     total_records, and next_offset when more is true.
//   - getConversation returns the most recent limit messages (all when limit
//     is absent or 0), oldest first. getConversationMessages returns messages
//     whose message_epoch is strictly greater than since, oldest first, at
//     most limit of them: the next page starts at the last epoch returned.
//   - Canned messages are listed by short_code, departments by
//     department_name and engagements by engagement_name (case-insensitive,
//     then by oid). Search matches short_code case-insensitively as a
//     substring, prefix matches first, and honours max_results when it is
//     positive. Inserts assign increasing oids; an update replaces the whole
//     record and is a 400 when the oid does not exist. A department updated
//     with delete_me:true is removed.
//   - getConversationMultimediaUploadUrl returns a key and a presigned-style
//     URL on the fake itself, outside /rest/v2 (/upload/{key}?signature=...).
//     A PUT there needs no UltraCart credential, exactly like the real
//     pre-signed storage URL; the fake stores the bytes and records whether
//     credentials were sent anyway (Upload.CredentialsSent), so a test can
//     assert that the client did not leak them to the storage host.
//   - getAgentWebsocketAuthorization returns a JWT-shaped token (three
//     base64url segments, HS256-signed with a per-server random secret), a
//     websocket URL on the fake (not served: the fake has no websocket), the
//     agent's participant ARN and name.
//   - Time comes from WithClock (time.Now by default).
//
// The standalone command github.com/ultracart-community/ultracart-go/cmd/ultracart-fake
// serves the same fake on a TCP address for manual exploration.
package conversationtest
