package conversation

import (
	"context"
	"iter"
	"time"
)

// Short names of enum values from before one Go type per value set.
//
// Deprecated: use the constants of the enum types, e.g. ConversationMediumSms
// and ConversationAgentStatusAvailable.
const (
	MediumSMS        = ConversationMediumSms
	MediumWebsocket  = ConversationMediumWebsocket
	AgentAvailable   = ConversationAgentStatusAvailable
	AgentBusy        = ConversationAgentStatusBusy
	AgentUnavailable = ConversationAgentStatusUnavailable
)

// ConversationVirtualAgentCapabilitiesOpenSupportTicketChannel was the Go type
// of open_support_ticket_channel until release 4.1.86 gave its values to a
// voicemail mailbox's send_notices_to_channel too: one value set, one type.
//
// Deprecated: use ConversationNoticeChannel.
type ConversationVirtualAgentCapabilitiesOpenSupportTicketChannel = ConversationNoticeChannel

// The values of ConversationVirtualAgentCapabilitiesOpenSupportTicketChannel.
//
// Deprecated: use the constants of ConversationNoticeChannel, e.g.
// ConversationNoticeChannelEmail.
const (
	ConversationVirtualAgentCapabilitiesOpenSupportTicketChannelEmail          = ConversationNoticeChannelEmail
	ConversationVirtualAgentCapabilitiesOpenSupportTicketChannelNone           = ConversationNoticeChannelNone
	ConversationVirtualAgentCapabilitiesOpenSupportTicketChannelUltracartTask  = ConversationNoticeChannelUltracartTask
	ConversationVirtualAgentCapabilitiesOpenSupportTicketChannelZohoDeskTicket = ConversationNoticeChannelZohoDeskTicket
)

// The helpers' names from before one naming rule (a helper is a verb plus
// the noun of the operation it rests on).

// FollowMessages follows a conversation's messages.
//
// Deprecated: use FollowConversationMessages.
func (c *Client) FollowMessages(ctx context.Context, conversationUUID string, opts *FollowOptions) iter.Seq2[MessageEvent, error] {
	return c.FollowConversationMessages(ctx, conversationUUID, opts)
}

// FollowOptions tunes FollowMessages.
//
// Deprecated: use FollowConversationMessagesOptions.
type FollowOptions = FollowConversationMessagesOptions

// RunKeepAlive keeps the agent's session alive.
//
// Deprecated: use RunAgentKeepAlive.
func (c *Client) RunKeepAlive(ctx context.Context, interval time.Duration, onFailure func(error)) error {
	return c.RunAgentKeepAlive(ctx, interval, onFailure)
}
