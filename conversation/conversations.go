package conversation

import (
	"context"
	"net/http"

	"github.com/ultracart-community/ultracart-go/gen"
)

var (
	opGetConversation      = operation{id: "getConversation", idempotent: true}
	opStartConversation    = operation{id: "startConversation"} // creates a conversation each time
	opJoinConversation     = operation{id: "joinConversation", idempotent: true}
	opLeaveConversation    = operation{id: "leaveConversation", idempotent: true}
	opMarkReadConversation = operation{id: "markReadConversation", idempotent: true}
	opGetConversationCtx   = operation{id: "getConversationContext", idempotent: true}
)

// GetConversationOptions are the optional parameters of GetConversation.
type GetConversationOptions struct {
	// Limit caps the number of messages returned (0: the service's default).
	Limit int
}

// GetConversation retrieves a conversation with its participants and
// messages (getConversation).
func (c *Client) GetConversation(ctx context.Context, conversationUUID string, opts *GetConversationOptions) (*ConversationResponse, error) {
	const op = "getConversation"
	if err := checkPathValue(op, "conversationUUID", conversationUUID); err != nil {
		return nil, err
	}
	params := &gen.GetConversationParams{}
	if opts != nil {
		limit, err := optionalLimit(op, "opts.Limit", opts.Limit, maxInt32)
		if err != nil {
			return nil, err
		}
		params.Limit = limit
	}
	return call(ctx, c, opGetConversation, func(s string) (*http.Request, error) {
		return gen.NewGetConversationRequest(s, conversationUUID, params)
	}, func(r *ConversationResponse) (*bool, *gen.Error) { return r.Success, r.Error })
}

// StartConversation starts a conversation (startConversation). It is not
// retried after a failure that may have reached the service, since a repeat
// would start a second conversation.
func (c *Client) StartConversation(ctx context.Context, req *ConversationStartRequest) (*ConversationStartResponse, error) {
	return callWithBody[ConversationStartRequest, ConversationStartResponse](ctx, c, opStartConversation, "req", req,
		gen.NewStartConversationRequest, nil)
}

// JoinConversation joins the calling agent to a conversation
// (joinConversation). req is optional: nil sends no body.
func (c *Client) JoinConversation(ctx context.Context, conversationUUID string, req *ConversationJoinRequest) error {
	if err := checkPathValue("joinConversation", "conversationUUID", conversationUUID); err != nil {
		return err
	}
	return c.callVoid(ctx, opJoinConversation, func(s string) (*http.Request, error) {
		if req == nil {
			r, err := gen.NewJoinConversationRequestWithBody(s, conversationUUID, "application/json", nil)
			if r != nil {
				r.Header.Del("Content-Type") // no body, so no content type
			}
			return r, err
		}
		return gen.NewJoinConversationRequest(s, conversationUUID, *req)
	})
}

// LeaveConversation removes the calling agent from a conversation
// (leaveConversation).
func (c *Client) LeaveConversation(ctx context.Context, conversationUUID string) error {
	if err := checkPathValue("leaveConversation", "conversationUUID", conversationUUID); err != nil {
		return err
	}
	return c.callVoid(ctx, opLeaveConversation, func(s string) (*http.Request, error) {
		return gen.NewLeaveConversationRequest(s, conversationUUID)
	})
}

// MarkRead marks a conversation as read (markReadConversation).
func (c *Client) MarkRead(ctx context.Context, conversationUUID string) error {
	if err := checkPathValue("markReadConversation", "conversationUUID", conversationUUID); err != nil {
		return err
	}
	return c.callVoid(ctx, opMarkReadConversation, func(s string) (*http.Request, error) {
		return gen.NewMarkReadConversationRequest(s, conversationUUID)
	})
}

// WebchatContext returns what is known of a webchat customer: cart, orders,
// auto orders, page views and session (getConversationContext).
func (c *Client) WebchatContext(ctx context.Context, conversationUUID string) (*ConversationWebchatContext, error) {
	if err := checkPathValue("getConversationContext", "conversationUUID", conversationUUID); err != nil {
		return nil, err
	}
	return call[ConversationWebchatContext](ctx, c, opGetConversationCtx, func(s string) (*http.Request, error) {
		return gen.NewGetConversationContextRequest(s, conversationUUID)
	}, nil)
}

const maxInt32 = 1<<31 - 1
