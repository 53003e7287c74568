package conversation

import "github.com/ultracart-community/ultracart-go/uctime"

// DateTime is the type of every date-time field. It embeds time.Time; a value
// the service sent that is not RFC 3339 decodes anyway, with Valid() false and
// the text kept in Raw(), instead of failing the whole response.
type DateTime = uctime.Time

// Ptr returns a pointer to v, for the optional fields of a request:
//
//	conversation.ConversationCannedMessage{ShortCode: conversation.Ptr("hello")}
func Ptr[T any](v T) *T { return &v }
