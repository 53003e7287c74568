package conversation

import (
	"context"
	"net/http"
	"time"

	"github.com/ultracart-community/ultracart-go/gen"
)

var opGetConversationMessages = operation{id: "getConversationMessages", idempotent: true}

// MessagesOptions are the optional parameters of Messages.
type MessagesOptions struct {
	// Limit caps the number of messages returned (0: the service's default).
	Limit int
}

// Messages retrieves the messages of a conversation after since, oldest first
// (getConversationMessages). since is sent as epoch milliseconds
// (since.UnixMilli()); the zero time sends 0, meaning all messages. To resume
// from a message, pass time.UnixMilli(*msg.MessageEpoch), or use
// MessagesSinceEpoch with the epoch itself.
func (c *Client) Messages(ctx context.Context, conversationUUID string, since time.Time, opts *MessagesOptions) (*ConversationMessagesResponse, error) {
	var ms int64
	if !since.IsZero() {
		ms = since.UnixMilli()
	}
	return c.MessagesSinceEpoch(ctx, conversationUUID, ms, opts)
}

// MessagesSinceEpoch is Messages with since given as epoch milliseconds, the
// unit of ConversationMessage.MessageEpoch.
func (c *Client) MessagesSinceEpoch(ctx context.Context, conversationUUID string, sinceMillis int64, opts *MessagesOptions) (*ConversationMessagesResponse, error) {
	const op = "getConversationMessages"
	if err := checkPathValue(op, "conversationUUID", conversationUUID); err != nil {
		return nil, err
	}
	if sinceMillis < 0 {
		return nil, &ArgumentError{Operation: op, Argument: "since", Reason: "must not be before 1970"}
	}
	params := &gen.GetConversationMessagesParams{}
	if opts != nil {
		limit, err := optionalLimit(op, "opts.Limit", opts.Limit, maxInt32)
		if err != nil {
			return nil, err
		}
		params.Limit = limit
	}
	return call(ctx, c, opGetConversationMessages, func(s string) (*http.Request, error) {
		return gen.NewGetConversationMessagesRequest(s, conversationUUID, sinceMillis, params)
	}, func(r *ConversationMessagesResponse) (*bool, *gen.Error) { return r.Success, r.Error })
}
