package conversation

import (
	"context"

	"github.com/ultracart-community/ultracart-go/gen"
)

var (
	opGetEngagements   = operation{id: "getConversationEngagements", idempotent: true}
	opInsertEngagement = operation{id: "insertConversationEngagement"}
	opUpdateEngagement = operation{id: "updateConversationEngagement", idempotent: true}
)

func engagementEnvelope(r *ConversationEngagementResponse) (*bool, *gen.Error) {
	return r.Success, r.Error
}

// Engagements lists the engagements ordered by name (getConversationEngagements).
func (c *Client) Engagements(ctx context.Context) (*ConversationEngagementsResponse, error) {
	return call(ctx, c, opGetEngagements, gen.NewGetConversationEngagementsRequest,
		func(r *ConversationEngagementsResponse) (*bool, *gen.Error) { return r.Success, r.Error })
}

// InsertEngagement creates an engagement (insertConversationEngagement). Not
// retried after a failure that may have reached the service.
func (c *Client) InsertEngagement(ctx context.Context, eng *ConversationEngagement) (*ConversationEngagementResponse, error) {
	return callWithBody(ctx, c, opInsertEngagement, "eng", eng, gen.NewInsertConversationEngagementRequest, engagementEnvelope)
}

// UpdateEngagement replaces the engagement with the given oid
// (updateConversationEngagement).
func (c *Client) UpdateEngagement(ctx context.Context, oid int, eng *ConversationEngagement) (*ConversationEngagementResponse, error) {
	return callUpdate(ctx, c, opUpdateEngagement, oid, "eng", eng, gen.NewUpdateConversationEngagementRequest, engagementEnvelope)
}
