// Package ucid holds the identifier types that the generated models and
// the client's methods share, so that one kind of id has one Go type
// wherever UltraCart's schemas put it (package conversation re-exports
// them).
package ucid

import (
	"fmt"
	"strconv"
)

// UserID is an UltraCart user id: the user_id of agent profiles, PBX
// agents, voicemail mailboxes, audio and department members, the users of
// a PBX queue's members, and the user_id of the agent profile paths
// (knowledge base, MCP servers) and of the status timeline. On the wire it
// is a JSON number, as UltraCart's schemas declare those fields (int32).
//
// Release 4.1.86's status reports, call records and webchat queue agents
// carry the same id as text, in agent_user_id string fields, which stay
// strings: compare them with String, or read them with ParseUserID.
//
// UserID deliberately implements no JSON or text marshaling of its own:
// each field encodes as its schema says, a number.
type UserID int32

// String is the id in decimal, as agent_user_id fields and paths write it.
func (id UserID) String() string { return strconv.FormatInt(int64(id), 10) }

// ParseUserID reads a user id written in decimal, as the agent_user_id
// fields of the status reports, call records and webchat queue agents
// carry it. It refuses anything else, an empty string included.
func ParseUserID(s string) (UserID, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("ucid: user id %q is not a decimal int32", s)
	}
	return UserID(n), nil
}
