package conversation

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
