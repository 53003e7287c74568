// Package conversation is a client for the UltraCart Conversation API: the
// webchat, SMS and phone (PBX) support desk behind UltraCart and its AI agent
// (conversations and messages, canned messages, departments, engagements,
// webchat queues, agent profiles, knowledge base and MCP servers, and the
// PBX: phone numbers, queues, menus, audio, voicemail, hardware phones, call
// records, classes of service, custom agent statuses and their reports). It
// speaks release 4.1.86 of the API (APIRelease): all 140 operations.
//
// The models (ConversationSummary, ConversationPbxQueue, ...) are aliases of
// the types of package gen, which oapi-codegen writes from the API's
// OpenAPI spec; their fields and field docs are listed there
// (go doc github.com/ultracart-community/ultracart-go/gen ConversationSummary).
// Every optional field is a pointer or a nil slice, so "absent" and "zero"
// stay apart, and has a nil-safe getter: summary.GetConversationUUID() is ""
// when the field is absent, and getters of nested models chain
// (conv.GetConversation().GetMedium()). Build requests with Ptr:
//
//	conversation.ConversationCannedMessage{ShortCode: conversation.Ptr("hello")}
//
// Each enum has one Go type with one set of constants, however many fields
// share its values (ConversationMedium, ConversationAgentStatus, ...); a value
// the service adds later still decodes. A string that carries an enum's
// values though UltraCart declares no enum for it has the enum's type too
// (ConversationSearchRequest.MediumFilter, a menu's DefaultAction,
// GetAgentStatusTimelineOptions.Channel).
//
// Types say what a value holds. UserID is every user id the API carries as
// a number: the userID arguments, the user_id fields, a PBX queue's
// members.users (the agent_user_id fields of release 4.1.86 carry it as
// JSON text and stay strings: see UserID). Date-times in models are
// DateTime; date-time and day query arguments are time.Time
// (GetConversationsOptions.Before is sent as RFC 3339, GetAgentStatusSummary's
// days as YYYY-MM-DD). Where UltraCart documents a field by its name only,
// its doc says the format the project reads (a time range's times of day and
// days of the week) and what is not known.
//
// Create one Client and share it; it is safe for concurrent use:
//
//	c, err := conversation.NewClient(conversation.WithSimpleKey(key))
//
// or, for command-line tools, conversation.NewClientFromEnv() reads
// ULTRACART_SIMPLE_KEY (or ULTRACART_BEARER_TOKEN) and ULTRACART_BASE_URL.
//
// # Operations
//
// Every operation is a method, generated from the spec; its doc names the
// operationId in parentheses (docs/OPERATIONS.md lists them all). A method's
// name is the operationId in Go spelling, with no exception, so that a new
// operation names itself (getPbxAddresses is GetPbxAddresses,
// getConversationMultimediaUploadUrl is GetConversationMultimediaUploadURL).
// Its arguments are the context, the path values, a required body as a
// pointer, and the optional query parameters in an options struct, named
// <Method>Options, whose zero value sends none of them.
//
// What a method returns follows one rule. UltraCart wraps each payload in an
// envelope (success, error, metadata, warning); the method returns the
// payload: the conversation for GetConversation, the departments for
// GetConversationDepartments, the string for a payload that is one. A paged
// list (getConversations, searchPbxCalls) returns a *Page with the items and
// the result set, and its iterator, <Method>Iter, walks all of them
// (GetConversationsIter, SearchPbxCallsIter; GetConversationsSearchIter walks a
// conversation search). A response of several payload fields, or without an
// envelope, is returned whole; an operation with no payload returns only an
// error. A payload the service left out is its zero value, never nil. The
// envelope's metadata and warning, the status and the headers are there for
// the asking:
//
//	var info conversation.ResponseInfo
//	conv, err := c.GetConversation(ctx, id, nil, conversation.WithResponseInfo(&info))
//
// Arguments are checked before anything is sent: an empty, "." or ".." path
// value, one with control characters, one that would make the path another
// operation's ("manufacturers" as a hardware phone's uuid), an object id
// outside 1..2147483647, a user id below 1, a zero time for a required day,
// a page size outside its documented bounds or a missing body fail with an
// *ArgumentError naming the argument.
//
// # Updates replace the whole object
//
// UltraCart's updates are not patches: UpdatePbxQueue replaces the whole
// queue, and a field left nil (absent, as the pointers say) is cleared on the
// service, so a queue sent with only MaxHoldSeconds loses its name. Every
// update's doc says so. To change some fields and keep the others, use the
// Modify helper of the object (docs/OPERATIONS.md lists them): where a get
// reads the object an update replaces, a generated helper does the
// read-modify-write UltraCart's own samples do by hand, in one call. A
// helper built on an operation is named by a verb and the operation's noun:
// updatePbxQueue's is ModifyPbxQueue.
//
//	q, err := c.ModifyPbxQueue(ctx, id, func(q *conversation.ConversationPbxQueue) error {
//		q.MaxHoldSeconds = conversation.Ptr(int32(120))
//		return nil
//	})
//
// It reads the object, calls the function with the copy it decoded, and
// writes back what the function leaves, sending every value the function did
// not touch exactly as the service sent it, properties of a later UltraCart
// release included. An error from the function, or no change, writes
// nothing. UltraCart has no ETag or version on its objects: a change made
// elsewhere between the read and the write is lost, the last write wins.
//
// Beyond one call per operation: the Modify helpers change an object and
// keep the rest; GetConversationsIter, SearchPbxCallsIter and
// GetConversationsSearchIter iterate over paged results; GetConversationMessagesIter reads a
// conversation's history and FollowConversationMessages polls for its new messages;
// WatchInbox watches every conversation from one poll loop; RunAgentKeepAlive
// keeps an agent's session alive; UploadConversationMultimedia,
// UploadConversationPbxAudio and UploadConversationKnowledgeBaseDocument
// upload a file to the presigned URL without sending the key there, and
// return what the insert that follows needs (see UploadedFile).
//
// # Errors
//
// A non-2xx response, or a 2xx whose body says "success": false, is an
// *APIError with the status, UltraCart's error code and messages, the
// UC-REST-ERROR header and Retry-After. Match it with errors.As, or its
// status with errors.Is against ErrBadRequest, ErrUnauthorized, ErrNotFound,
// ErrGone, ErrRateLimited or ErrServer.
//
// UltraCart documents no 404: a get, delete or other call without a body
// that names an object which does not exist gets a 400 whose
// error.object_id names it, and errors.Is(err, ErrNotFound) is true for
// that 400 (and for any 404), so a get-or-create branch reads
//
//	q, err := c.GetPbxQueue(ctx, id)
//	if errors.Is(err, conversation.ErrNotFound) { ... insert it ... }
//
// An insert or update (a call with a body) naming a missing object is only
// ErrBadRequest, since nothing tells it from a validation error about the
// same object: ErrNotFound's doc says exactly what is matched. A body that cannot be decoded is a
// *DecodeError (status and the start of the body kept); a failed connection
// or ended context is a *TransportError, so
// errors.Is(err, context.DeadlineExceeded) works. No error text contains a
// credential, even one the server sent back. Failures found before anything
// was sent that no retry can change (an unsendable header value, a token
// source's malformed token) are not retried.
//
// # Retries
//
// Calls are retried by default (DefaultRetryPolicy): a 429 after its
// Retry-After, and a 502, 503, 504 or broken connection with exponential
// backoff and jitter, within a bounded number of attempts and total wait.
// Waits end with the context, and a Retry-After past the context's deadline
// or the policy's MaxRetryAfter returns the 429 at once. An operation that
// would act twice if repeated (the inserts, purchasePbxPhoneNumber,
// startConversation, regenerating a password: see docs/OPERATIONS.md) is
// retried only when the failure proves the service did not act: a 429, or
// no connection made. Change it with WithRetryPolicy, WithRetryer or
// WithoutRetries.
//
// # Rate budget
//
// UltraCart allows an application 1,000 requests an hour and 10,000 a day,
// and refuses concurrent requests. Every client keeps these limits by
// default: before each attempt, retries included, it takes a permit from
// its Limiter, by default a LocalLimiter shared by every client of the
// process with the same credential and API host. At most one request is in
// flight; after a burst of 100 the hourly and daily rates pace the calls. A
// call that cannot get its permit before its context's deadline, or within
// BudgetLimits.MaxWait (10 minutes by default), fails at once with a
// *BudgetError (ErrBudgetExhausted) saying how long it would have waited; a
// 429 pauses every caller until its Retry-After (at most MaxPause), and a
// daily-limit 429 matches ErrDailyLimit. Client.Budget reports the state
// (UnlimitedPermits on a client without a budget), and
// conversationotel.Observer.ObserveBudget exports it as gauges. WithBudget
// sets other figures, WithLimiter plugs in another Limiter (package
// conversation/redisbudget shares one budget across processes),
// WithoutBudget turns it off for loopback fakes. The poll loops
// (FollowConversationMessages, WatchInbox, RunAgentKeepAlive) default to
// intervals that leave room for other calls, and refuse one so short that
// it alone would spend the budget. docs/RELIABILITY.md has the arithmetic.
//
// # Credentials
//
// The simple key or bearer token goes only to the base URL's scheme and host:
// it is removed on a redirect elsewhere (net/http would forward the simple key
// header), and never sent with the Upload methods' PUT to the presigned URL.
// A plain http:// base URL is refused unless the host is loopback or
// WithInsecureHTTP is given. A key or token that cannot be sent as a header
// value (a CR, LF or other control character, or white space at either end)
// is refused by NewClient. A credential the server echoes back (in an error
// body, a header or a malformed response) is replaced by "[redacted]" in
// every error and log line, raw or JSON-, URL- or HTML-escaped. An OAuth 2
// token refresh never holds a call past its context: see WithTokenSource.
//
// # Websocket messages
//
// Chat itself runs over a websocket: no REST operation sends a chat
// message, and new messages, typing, read receipts, queue changes and
// participants joining and leaving reach an agent as websocket messages.
// What UltraCart publishes is this: GetAgentWebsocketAuthorization
// (getAgentWebsocketAuthorization) returns the socket's URL (WebsocketURL)
// and a JWT, and every message is a JSON object of the
// ConversationWebsocketMessage schema: a kind ("type": message, event,
// ping, check queue position), for an event its "event_type" and a payload
// member per event type, a conversation_uuid. What it does not publish
// (UltraCart calls the API internal): the handshake and where the JWT
// goes, how to subscribe to conversations or queues, heartbeats,
// acknowledgements, and which messages the service sends when. This
// package therefore opens no connection and links no websocket library.
// Read frames with any library, decode each with DecodeWebsocketMessage,
// route it with WebsocketHandlers.Dispatch or a type switch on
// WebsocketMessage.Event, and build what an agent sends with
// NewWebsocketEvent, NewWebsocketChatMessage and NewWebsocketMessage. A
// kind, event type or member this release does not know decodes, and
// json.Marshal writes the message back unchanged; only bytes that are not
// a JSON object, or a documented member of the wrong JSON type, are an
// error (*WebsocketDecodeError).
//
// # Testing
//
// Package conversationtest runs an in-memory fake of the service for tests.
package conversation
