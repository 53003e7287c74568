package conversation

import (
	"context"
	"net/http"

	"github.com/ultracart-community/ultracart-go/gen"
)

var (
	opGetQueueStatuses  = operation{id: "getConversationWebchatQueueStatuses", idempotent: true}
	opUpdateQueueStatus = operation{id: "updateConversationWebchatQueueStatus", idempotent: true}
)

// Agent statuses for UpdateWebchatQueueStatus.
const (
	AgentAvailable   = gen.ConversationWebchatQueueStatusUpdateRequestAgentStatusAvailable
	AgentBusy        = gen.ConversationWebchatQueueStatusUpdateRequestAgentStatusBusy
	AgentUnavailable = gen.ConversationWebchatQueueStatusUpdateRequestAgentStatusUnavailable
)

// WebchatQueueStatuses returns the webchat queues with their agents and
// waiting customers (getConversationWebchatQueueStatuses).
func (c *Client) WebchatQueueStatuses(ctx context.Context) (*ConversationWebchatQueueStatusesResponse, error) {
	return call(ctx, c, opGetQueueStatuses, gen.NewGetConversationWebchatQueueStatusesRequest,
		func(r *ConversationWebchatQueueStatusesResponse) (*bool, *gen.Error) { return r.Success, r.Error })
}

// UpdateWebchatQueueStatus sets the calling agent's status within a queue
// (updateConversationWebchatQueueStatus), e.g.
//
//	status := conversation.AgentAvailable
//	err := c.UpdateWebchatQueueStatus(ctx, "support", &conversation.ConversationWebchatQueueStatusUpdateRequest{AgentStatus: &status})
func (c *Client) UpdateWebchatQueueStatus(ctx context.Context, queueName string, req *ConversationWebchatQueueStatusUpdateRequest) error {
	if err := checkPathValue(opUpdateQueueStatus.id, "queueName", queueName); err != nil {
		return err
	}
	if err := required(opUpdateQueueStatus.id, "req", req); err != nil {
		return err
	}
	body := *req
	return c.callVoid(ctx, opUpdateQueueStatus, func(s string) (*http.Request, error) {
		return gen.NewUpdateConversationWebchatQueueStatusRequest(s, queueName, body)
	})
}
