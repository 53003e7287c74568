package conversation_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ultracart-community/ultracart-go/conversation"
)

// A key read from a file often ends with a newline, which cannot be sent in
// a header: NewClient refuses it, naming the option and never quoting the
// key.
func ExampleWithSimpleKey() {
	key := "my-simple-key\n" // as os.ReadFile returns it
	_, err := conversation.NewClient(conversation.WithSimpleKey(key))
	fmt.Println(err)
	fmt.Println(errors.Is(err, conversation.ErrInvalidArgument))

	c, err := conversation.NewClient(conversation.WithSimpleKey(strings.TrimSpace(key)))
	fmt.Println(c, err)
	// Output:
	// conversation: NewClient: invalid argument WithSimpleKey: key must not contain control characters (CR, LF, NUL, ...)
	// true
	// conversation.Client{base: https://secure.ultracart.com/rest/v2, auth: simple key} <nil>
}
