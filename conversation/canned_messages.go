package conversation

import (
	"context"

	"github.com/ultracart-community/ultracart-go/gen"
)

var (
	opGetCannedMessages    = operation{id: "getConversationCannedMessages", idempotent: true}
	opInsertCannedMessage  = operation{id: "insertConversationCannedMessage"}
	opUpdateCannedMessage  = operation{id: "updateConversationCannedMessage", idempotent: true}
	opSearchCannedMessages = operation{id: "searchConversationCannedMessages", idempotent: true} // a read, despite POST
)

func cannedMessagesEnvelope(r *ConversationCannedMessagesResponse) (*bool, *gen.Error) {
	return r.Success, r.Error
}

func cannedMessageEnvelope(r *ConversationCannedMessageResponse) (*bool, *gen.Error) {
	return r.Success, r.Error
}

// CannedMessages lists the canned messages ordered by short_code
// (getConversationCannedMessages).
func (c *Client) CannedMessages(ctx context.Context) (*ConversationCannedMessagesResponse, error) {
	return call(ctx, c, opGetCannedMessages, gen.NewGetConversationCannedMessagesRequest, cannedMessagesEnvelope)
}

// InsertCannedMessage creates a canned message; the response holds it with
// its new oid (insertConversationCannedMessage). Not retried after a failure
// that may have reached the service.
func (c *Client) InsertCannedMessage(ctx context.Context, msg *ConversationCannedMessage) (*ConversationCannedMessageResponse, error) {
	return callWithBody(ctx, c, opInsertCannedMessage, "msg", msg, gen.NewInsertConversationCannedMessageRequest, cannedMessageEnvelope)
}

// UpdateCannedMessage replaces the canned message with the given oid
// (updateConversationCannedMessage).
func (c *Client) UpdateCannedMessage(ctx context.Context, oid int, msg *ConversationCannedMessage) (*ConversationCannedMessageResponse, error) {
	return callUpdate(ctx, c, opUpdateCannedMessage, oid, "msg", msg, gen.NewUpdateConversationCannedMessageRequest, cannedMessageEnvelope)
}

// SearchCannedMessages finds canned messages by short_code
// (searchConversationCannedMessages).
func (c *Client) SearchCannedMessages(ctx context.Context, search *ConversationCannedMessagesSearch) (*ConversationCannedMessagesResponse, error) {
	return callWithBody(ctx, c, opSearchCannedMessages, "search", search, gen.NewSearchConversationCannedMessagesRequest, cannedMessagesEnvelope)
}
