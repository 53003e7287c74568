// Package conversation is a client for the UltraCart Conversation API: the
// webchat and SMS support desk behind UltraCart (conversations, messages,
// canned messages, departments, engagements, webchat queues and agents).
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
// Every operation of the API is a method; its doc names the operationId:
//
//	getAgentKeepAlive                      KeepAlive, RunKeepAlive
//	getAgentWebsocketAuthorization         AgentWebsocketAuthorization
//	getConversation                        GetConversation
//	getConversationCannedMessages          CannedMessages
//	getConversationContext                 WebchatContext
//	getConversationDepartments             Departments
//	getConversationEngagements             Engagements
//	getConversationMessages                Messages, MessagesSinceEpoch, FollowMessages
//	getConversationMultimediaUploadUrl     MultimediaUploadURL, UploadMultimedia
//	getConversationWebchatQueueStatuses    WebchatQueueStatuses
//	getConversations                       ListConversations, AllConversations, WatchInbox
//	insertConversationCannedMessage        InsertCannedMessage
//	insertConversationDepartment           InsertDepartment
//	insertConversationEngagement           InsertEngagement
//	joinConversation                       JoinConversation
//	leaveConversation                      LeaveConversation
//	markReadConversation                   MarkRead
//	searchConversationCannedMessages       SearchCannedMessages
//	startConversation                      StartConversation
//	updateConversationCannedMessage        UpdateCannedMessage
//	updateConversationDepartment           UpdateDepartment
//	updateConversationEngagement           UpdateEngagement
//	updateConversationWebchatQueueStatus   UpdateWebchatQueueStatus
//
// Arguments are checked before anything is sent: an empty, "." or ".." path
// value, an oid outside 1..2147483647, a page size outside 1..200 or a missing
// body fail with an *ArgumentError naming the argument.
//
// # Errors
//
// A non-2xx response, or a 2xx whose body says "success": false, is an
// *APIError with the status, UltraCart's error code and messages, the
// UC-REST-ERROR header and Retry-After. Match it with errors.As, or its
// status with errors.Is against ErrBadRequest, ErrUnauthorized, ErrNotFound,
// ErrGone, ErrRateLimited or ErrServer. A body that cannot be decoded is a
// *DecodeError (status and the start of the body kept); a failed connection
// or ended context is a *TransportError, so
// errors.Is(err, context.DeadlineExceeded) works. No error text contains a
// credential.
//
// # Retries
//
// Calls are retried by default (DefaultRetryPolicy): a 429 after its
// Retry-After, and a 502, 503, 504 or broken connection with exponential
// backoff and jitter, within a bounded number of attempts and total wait.
// Waits end with the context, and a Retry-After past the context's deadline
// or the policy's MaxRetryAfter returns the 429 at once. An operation that
// would act twice if repeated (the inserts and startConversation) is retried
// only when the failure proves the service did not act: a 429, or no
// connection made. Change it with WithRetryPolicy, WithRetryer or
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
// call that cannot get its permit before its context's deadline fails at
// once with a *BudgetError (ErrBudgetExhausted); a 429 pauses every caller
// until its Retry-After, and a daily-limit 429 matches ErrDailyLimit.
// Client.Budget reports the state. WithBudget sets other figures,
// WithLimiter plugs in another Limiter (package conversation/redisbudget
// shares one budget across processes), WithoutBudget turns it off for
// loopback fakes. The poll loops (FollowMessages, WatchInbox, RunKeepAlive)
// default to intervals that leave room for other calls, and refuse one so
// short that it alone would spend the budget. docs/RELIABILITY.md has the
// arithmetic.
//
// # Credentials
//
// The simple key or bearer token goes only to the base URL's scheme and host:
// it is removed on a redirect elsewhere (net/http would forward the simple key
// header), and never sent with UploadMultimedia's PUT to the presigned URL.
// A plain http:// base URL is refused unless the host is loopback or
// WithInsecureHTTP is given.
//
// # Testing
//
// Package conversationtest runs an in-memory fake of the service for tests.
package conversation
