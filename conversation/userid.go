package conversation

import "github.com/ultracart-community/ultracart-go/ucid"

// UserID is an UltraCart user id, one type wherever the API carries one as
// a number: the user_id of agent profiles, PBX agents, voicemail mailboxes,
// audio and department members, a PBX queue's members.users, and the
// userID arguments of the agent profile methods (knowledge base, MCP
// servers) and of GetAgentStatusTimeline.
//
// The agent_user_id fields that release 4.1.86 added to the status reports,
// call records and webchat queue agents carry the same id as JSON text and
// stay strings, as the wire has them: compare them with String, read them
// with ParseUserID.
type UserID = ucid.UserID

// ParseUserID reads a user id written in decimal, as an agent_user_id
// field carries it; anything else, "" included, is an error.
func ParseUserID(s string) (UserID, error) { return ucid.ParseUserID(s) }
